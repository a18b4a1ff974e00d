// ctr-ts tasks resume ID: thaws a paused task.
import type { CommandModule } from 'yargs';
import { withClient, type GlobalArgs } from '../common.js';

export const tasksResume: CommandModule<GlobalArgs, GlobalArgs & { id: string }> = {
  command: 'resume <id>',
  describe: 'resume a paused task',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }),
  handler: (argv) => withClient(argv, async (c) => void (await c.tasks.resume({ containerId: argv.id }))),
};
