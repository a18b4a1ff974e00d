// ctr-ts tasks pause ID: freezes every process of the task.
import type { CommandModule } from 'yargs';
import { withClient, type GlobalArgs } from '../common.js';

export const tasksPause: CommandModule<GlobalArgs, GlobalArgs & { id: string }> = {
  command: 'pause <id>',
  describe: 'pause a task',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }),
  handler: (argv) => withClient(argv, async (c) => void (await c.tasks.pause({ containerId: argv.id }))),
};
