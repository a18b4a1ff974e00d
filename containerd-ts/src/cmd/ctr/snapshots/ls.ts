// ctr-ts snapshots ls
import type { CommandModule } from 'yargs';
import { labelsText, print, time, withClient } from '../common.js';
import { withSnapshotter, type SnapArgs } from './common.js';

// containerd.services.snapshots.v1.Kind by number (importing the enum would load the descriptors early).
export const KIND_NAME: Record<number, string> = { 0: 'Unknown', 1: 'View', 2: 'Active', 3: 'Committed' };

export const snapshotsLs: CommandModule<SnapArgs, SnapArgs & { filters: string[] }> = {
  command: ['ls [filters..]', 'list'],
  describe: 'list snapshots',
  builder: (y) => withSnapshotter(y).positional('filters', { type: 'string', array: true, default: [] }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const all = [];
      for await (const r of c.snapshots.list({ snapshotter: argv.snapshotter, filters: argv.filters })) all.push(...r.info);
      print(argv, all, ['KEY', 'PARENT', 'KIND', 'LABELS'], (s) => [s.name, s.parent, KIND_NAME[s.kind] ?? '', labelsText(s.labels)], (s) => ({ key: s.name, parent: s.parent, kind: KIND_NAME[s.kind], labels: s.labels, createdAt: time(s.createdAt), updatedAt: time(s.updatedAt) }));
    }),
};
