// ctr-ts snapshots commit NAME KEY
import type { CommandModule } from 'yargs';
import { withClient } from '../common.js';
import { withSnapshotter, type SnapArgs } from './common.js';

export const snapshotsCommit: CommandModule<SnapArgs, SnapArgs & { name: string; key: string }> = {
  command: 'commit <name> <key>',
  describe: 'commit an active snapshot under a name',
  builder: (y) => withSnapshotter(y).positional('name', { type: 'string', demandOption: true }).positional('key', { type: 'string', demandOption: true }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      await c.snapshots.commit({ snapshotter: argv.snapshotter, name: argv.name, key: argv.key });
    }),
};
