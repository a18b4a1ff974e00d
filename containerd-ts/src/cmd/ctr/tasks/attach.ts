// ctr-ts tasks attach ID: this terminal to a running task's stdio (raw and resized if it has a pty)
// until it exits; ctr-ts then exits with its status. The task keeps running if we go.
import type { CommandModule } from 'yargs';
import { withClient, type GlobalArgs } from '../common.js';
import { runForeground } from './foreground.js';
import { STATUS } from './status.js';

export const tasksAttach: CommandModule<GlobalArgs, GlobalArgs & { id: string; 'exec-id': string | undefined }> = {
  command: 'attach <id>',
  describe: 'attach to the stdio of a running task',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }).option('exec-id', { type: 'string', describe: 'attach to this exec process instead' }) as never,
  handler: async (argv) => {
    const code = await withClient(argv, async (c) => {
      const execId = argv['exec-id'] ?? '';
      const { process: p } = await c.tasks.get({ containerId: argv.id, execId });
      if (!p || p.status === STATUS.STOPPED) throw new Error(`task ${argv.id}${execId ? ` process ${execId}` : ''} is not running (exit status ${p?.exitStatus ?? 0})`);
      return runForeground(c, { containerId: argv.id, execId, tty: p.terminal, stdin: true });
    });
    process.exit(code);
  },
};
