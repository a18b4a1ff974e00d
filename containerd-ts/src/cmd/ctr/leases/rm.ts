// ctr-ts leases rm [--sync] ID…: deletes leases (with --sync, waits for the garbage collection that
// frees what only they held); prints each ID deleted, stops at the first that fails as ctr does.
import type { CommandModule } from 'yargs';
import { out, withClient, type GlobalArgs } from '../common.js';

export const leasesRm: CommandModule<GlobalArgs, GlobalArgs & { ids: string[]; sync: boolean }> = {
  command: ['delete <ids..>', 'del', 'remove', 'rm'],
  describe: 'delete a lease',
  builder: (y) => y.positional('ids', { type: 'string', array: true, demandOption: true }).option('sync', { type: 'boolean', default: false, describe: 'remove the leases and all unreferenced resources before returning' }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      for (const id of argv.ids) {
        await c.leases.delete({ id, sync: argv.sync });
        out(id);
      }
    }),
};
