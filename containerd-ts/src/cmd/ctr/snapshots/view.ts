// ctr-ts snapshots view KEY PARENT: a read-only view of a committed snapshot.
import type { CommandModule } from 'yargs';
import { json, out, withClient } from '../common.js';
import { mountCommand, withSnapshotter, type SnapArgs } from './common.js';

export const snapshotsView: CommandModule<SnapArgs, SnapArgs & { key: string; parent: string; target: string | undefined }> = {
  command: 'view <key> <parent>',
  describe: 'create a read-only view of a committed snapshot',
  builder: (y) => withSnapshotter(y).positional('key', { type: 'string', demandOption: true }).positional('parent', { type: 'string', demandOption: true }).option('target', { type: 'string' }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const { mounts } = await c.snapshots.view({ snapshotter: argv.snapshotter, key: argv.key, parent: argv.parent });
      if (argv.format === 'json') out(json(mounts));
      else if (argv.target) out(mountCommand(mounts, argv.target));
    }),
};
