// ctr-ts tasks ls [-q]: TASK PID STATUS, or JSON with --format json.
import type { CommandModule } from 'yargs';
import { json, out, table, withClient, type GlobalArgs } from '../common.js';
import { statusName } from './status.js';

export const tasksLs: CommandModule<GlobalArgs, GlobalArgs & { quiet: boolean }> = {
  command: ['list', 'ls'],
  describe: 'list tasks',
  builder: (y) => y.option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only the task ids' }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const { tasks } = await c.tasks.list({});
      if (argv.quiet) {
        for (const t of tasks) out(t.id);
      } else if (argv.format === 'json') {
        out(json(tasks.map((t) => ({ id: t.id, pid: t.pid, status: statusName(t.status), terminal: t.terminal, exitStatus: t.exitStatus }))));
      } else {
        out(table(['TASK', 'PID', 'STATUS'], tasks.map((t) => [t.id, String(t.pid), statusName(t.status)])));
      }
    }),
};
