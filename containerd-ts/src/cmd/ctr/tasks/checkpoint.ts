// ctr-ts tasks checkpoint CONTAINER: asks the daemon to checkpoint the task. containerd-ts has no
// checkpoint/restore (runc-ts has no CRIU support), so the daemon refuses it as Unimplemented and
// this command fails with that message; the flags are ctr's, so scripts get that refusal, not a
// usage error.
import type { CommandModule } from 'yargs';
import { withClient, type GlobalArgs } from '../common.js';

interface Args extends GlobalArgs {
  container: string;
  exit: boolean;
  'image-path': string | undefined;
  'work-path': string | undefined;
}

export const tasksCheckpoint: CommandModule<GlobalArgs, Args> = {
  command: 'checkpoint <container>',
  describe: 'checkpoint a task (not supported: refused by the daemon)',
  builder: (y) =>
    y
      .positional('container', { type: 'string', demandOption: true })
      .option('exit', { type: 'boolean', default: false, describe: 'stop the container after the checkpoint' })
      .option('image-path', { type: 'string', describe: 'path to CRIU image files' })
      .option('work-path', { type: 'string', describe: 'path to CRIU work files and logs' }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      await c.tasks.get({ containerId: argv.container });
      await c.tasks.checkpoint({ containerId: argv.container });
    }),
};
