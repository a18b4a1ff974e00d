// ctr-ts snapshots mounts TARGET KEY: the mount command for an active or view snapshot.
import type { CommandModule } from 'yargs';
import { json, out, withClient } from '../common.js';
import { mountCommand, withSnapshotter, type SnapArgs } from './common.js';

export const snapshotsMounts: CommandModule<SnapArgs, SnapArgs & { target: string; key: string }> = {
  command: ['mounts <target> <key>', 'm'],
  describe: 'print the mount command for a snapshot',
  builder: (y) => withSnapshotter(y).positional('target', { type: 'string', demandOption: true }).positional('key', { type: 'string', demandOption: true }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const { mounts } = await c.snapshots.mounts({ snapshotter: argv.snapshotter, key: argv.key });
      out(argv.format === 'json' ? json(mounts) : mountCommand(mounts, argv.target));
    }),
};
