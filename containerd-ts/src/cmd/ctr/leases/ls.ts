// ctr-ts leases ls [-q] [FILTER…]: the namespace's leases, as ctr's ID / CREATED AT / LABELS.
import type { CommandModule } from 'yargs';
import { labelsText, out, print, time, withClient, type GlobalArgs } from '../common.js';

/** ctr prints times as RFC 3339 in seconds. */
export const seconds = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

export const leasesLs: CommandModule<GlobalArgs, GlobalArgs & { quiet: boolean; filters: string[] }> = {
  command: ['ls [filters..]', 'list'],
  describe: 'list all active leases',
  builder: (y) => y.option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only the lease IDs' }).positional('filters', { type: 'string', array: true, default: [] }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const { leases } = await c.leases.list({ filters: argv.filters });
      if (argv.quiet) {
        if (leases.length) out(leases.map((l) => l.id).join('\n'));
        return;
      }
      print(argv, leases, ['ID', 'CREATED AT', 'LABELS'], (l) => [l.id, seconds(time(l.createdAt)), labelsText(l.labels)], (l) => ({ id: l.id, createdAt: time(l.createdAt), labels: l.labels }));
    }),
};
