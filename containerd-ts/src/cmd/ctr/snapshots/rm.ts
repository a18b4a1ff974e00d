// ctr-ts snapshots rm KEY…
import type { CommandModule } from 'yargs';
import { withClient } from '../common.js';
import { withSnapshotter, type SnapArgs } from './common.js';

export const snapshotsRm: CommandModule<SnapArgs, SnapArgs & { keys: string[] }> = {
  command: ['rm <keys..>', 'remove', 'delete'],
  describe: 'remove snapshots (children first)',
  builder: (y) => withSnapshotter(y).positional('keys', { type: 'string', array: true, demandOption: true }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      for (const key of argv.keys) await c.snapshots.remove({ snapshotter: argv.snapshotter, key });
    }),
};
