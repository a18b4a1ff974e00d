// ctr-ts tasks kill [-s SIGNAL] [--all] [--exec-id E] ID: without -s, the image's stop signal (a
// container label) or SIGTERM, as ctr.
import type { CommandModule } from 'yargs';
import { STOP_SIGNAL_LABEL } from '../../../client/new-container.js';
import { withClient, type GlobalArgs } from '../common.js';
import { parseSignal } from './signals.js';

interface KillArgs extends GlobalArgs {
  id: string;
  signal: string | undefined;
  all: boolean;
  'exec-id': string | undefined;
}

export const tasksKill: CommandModule<GlobalArgs, KillArgs> = {
  command: 'kill <id>',
  describe: 'signal a task (default: its stop signal, else SIGTERM)',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('signal', { alias: 's', type: 'string', describe: 'signal name or number' })
      .option('all', { type: 'boolean', default: false, describe: 'signal every process of the task' })
      .option('exec-id', { type: 'string', describe: 'signal this exec process instead' }) as never,
  handler: (argv) =>
    withClient(argv, async (c) => {
      let signal = argv.signal !== undefined ? parseSignal(argv.signal) : undefined;
      if (argv.all && argv['exec-id']) throw new Error('--all and --exec-id cannot be used together');
      if (signal === undefined) {
        const { container } = await c.containers.get({ id: argv.id });
        const label = container?.labels[STOP_SIGNAL_LABEL];
        signal = label ? parseSignal(label) : 15;
      }
      await c.tasks.kill({ containerId: argv.id, execId: argv['exec-id'] ?? '', signal, all: argv.all });
    }),
};
