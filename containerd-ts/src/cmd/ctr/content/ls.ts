// ctr-ts content ls [-q] [FILTER…]: ctr's DIGEST / SIZE / AGE / LABELS (sizes and ages in go-units' words).
import type { CommandModule } from 'yargs';
import { labelsText, out, print, time, withClient, type GlobalArgs } from '../common.js';
import { humanDuration, humanSize } from '../human-units.js';

export const contentLs: CommandModule<GlobalArgs, GlobalArgs & { quiet: boolean; filters: string[] }> = {
  command: ['ls [filters..]', 'list'],
  describe: 'list blobs in the content store',
  builder: (y) => y.option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only the blob digests' }).positional('filters', { type: 'string', array: true, default: [] }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const all = [];
      for await (const r of c.content.list({ filters: argv.filters })) all.push(...r.info);
      if (argv.quiet) return out(all.map((i) => i.digest).join('\n'));
      const now = Date.now();
      const age = (t: { seconds: bigint; nanos: number } | undefined) => humanDuration(t ? now - (Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6)) : 0);
      print(argv, all, ['DIGEST', 'SIZE', 'AGE', 'LABELS'], (i) => [i.digest, humanSize(Number(i.size)), age(i.createdAt), labelsText(i.labels)], (i) => ({ digest: i.digest, size: Number(i.size), labels: i.labels, createdAt: time(i.createdAt), updatedAt: time(i.updatedAt) }));
    }),
};
