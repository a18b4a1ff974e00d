// ctr-ts snapshots usage [KEY…]
import type { CommandModule } from 'yargs';
import { bytes, print, withClient } from '../common.js';
import { withSnapshotter, type SnapArgs } from './common.js';

export const snapshotsUsage: CommandModule<SnapArgs, SnapArgs & { keys: string[] }> = {
  command: 'usage [keys..]',
  describe: 'disk usage of snapshots',
  builder: (y) => withSnapshotter(y).positional('keys', { type: 'string', array: true, default: [] }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      let keys = argv.keys;
      if (keys.length === 0) {
        keys = [];
        for await (const r of c.snapshots.list({ snapshotter: argv.snapshotter, filters: [] })) keys.push(...r.info.map((i) => i.name));
      }
      const rows = [];
      for (const key of keys) {
        const u = await c.snapshots.usage({ snapshotter: argv.snapshotter, key });
        rows.push({ key, size: Number(u.size), inodes: Number(u.inodes) });
      }
      print(argv, rows, ['KEY', 'SIZE', 'INODES'], (r) => [r.key, bytes(r.size), String(r.inodes)]);
    }),
};
