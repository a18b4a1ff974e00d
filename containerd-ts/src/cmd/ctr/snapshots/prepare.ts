// ctr-ts snapshots prepare KEY [PARENT]: an active snapshot; prints how to mount it.
import type { CommandModule } from 'yargs';
import { json, out, withClient } from '../common.js';
import { mountCommand, withSnapshotter, type SnapArgs } from './common.js';

export const snapshotsPrepare: CommandModule<SnapArgs, SnapArgs & { key: string; parent: string | undefined; target: string | undefined }> = {
  command: 'prepare <key> [parent]',
  describe: 'create an active snapshot',
  builder: (y) => withSnapshotter(y).positional('key', { type: 'string', demandOption: true }).positional('parent', { type: 'string' }).option('target', { type: 'string', describe: 'print the mount command for this target' }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const { mounts } = await c.snapshots.prepare({ snapshotter: argv.snapshotter, key: argv.key, parent: argv.parent ?? '' });
      if (argv.format === 'json') out(json(mounts));
      else if (argv.target) out(mountCommand(mounts, argv.target));
    }),
};
