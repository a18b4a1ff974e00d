// ctr-ts containers checkpoint / restore: ctr's checkpoint images (the task's CRIU image, the spec,
// the rw layer) need checkpoint/restore, which containerd-ts does not have (runc-ts has no CRIU).
// Both are refused with that reason, before anything is touched, with ctr's arguments accepted.
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../common.js';

const REASON = 'checkpoint/restore is not supported by containerd-ts (runc-ts has no CRIU support)';

export const containersCheckpoint: CommandModule<GlobalArgs, GlobalArgs & { container: string; ref: string }> = {
  command: 'checkpoint <container> <ref>',
  describe: 'checkpoint a container (not supported)',
  builder: (y) =>
    y
      .positional('container', { type: 'string', demandOption: true })
      .positional('ref', { type: 'string', demandOption: true })
      .option('rw', { type: 'boolean', default: false, describe: 'include the rw layer in the checkpoint' })
      .option('image', { type: 'boolean', default: false, describe: 'include the image in the checkpoint' })
      .option('task', { type: 'boolean', default: false, describe: 'checkpoint the container\'s task' }),
  // async: a refusal is a rejected promise, which main() prints as one line.
  handler: async (argv) => {
    throw new Error(`containers checkpoint ${argv.container}: ${REASON}`);
  },
};

export const containersRestore: CommandModule<GlobalArgs, GlobalArgs & { container: string; ref: string }> = {
  command: 'restore <container> <ref>',
  describe: 'restore a container from a checkpoint (not supported)',
  builder: (y) =>
    y
      .positional('container', { type: 'string', demandOption: true })
      .positional('ref', { type: 'string', demandOption: true })
      .option('rw', { type: 'boolean', default: false, describe: 'restore the rw layer from the checkpoint' })
      .option('live', { type: 'boolean', default: false, describe: 'restore the runtime and memory data from the checkpoint' }),
  handler: async (argv) => {
    throw new Error(`containers restore ${argv.container}: ${REASON}`);
  },
};
