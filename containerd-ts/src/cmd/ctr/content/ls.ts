// ctr-ts content ls
import type { CommandModule } from 'yargs';
import { bytes, labelsText, out, print, time, withClient, type GlobalArgs } from '../common.js';

export const contentLs: CommandModule<GlobalArgs, GlobalArgs & { quiet: boolean; filters: string[] }> = {
  command: ['ls [filters..]', 'list'],
  describe: 'list blobs in the content store',
  builder: (y) => y.option('quiet', { alias: 'q', type: 'boolean', default: false }).positional('filters', { type: 'string', array: true, default: [] }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const all = [];
      for await (const r of c.content.list({ filters: argv.filters })) all.push(...r.info);
      if (argv.quiet) return out(all.map((i) => i.digest).join('\n'));
      print(argv, all, ['DIGEST', 'SIZE', 'LABELS'], (i) => [i.digest, bytes(i.size), labelsText(i.labels)], (i) => ({ digest: i.digest, size: Number(i.size), labels: i.labels, createdAt: time(i.createdAt), updatedAt: time(i.updatedAt) }));
    }),
};
