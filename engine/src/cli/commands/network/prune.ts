// engine network prune [-f] [--filter label=…]
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../../context.js';
import { filtersQuery } from '../ps.js';

interface Args extends GlobalArgs {
  force: boolean;
  filter: string[];
}

export const networkPrune: CommandModule<GlobalArgs, Args> = {
  command: 'prune',
  describe: 'Remove all unused networks',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'do not prompt for confirmation' })
      .option('filter', { type: 'string', array: true, default: [], describe: 'label=…' }) as unknown as Argv<Args>,
  handler: async (a) => {
    if (!a.force && process.stdin.isTTY) {
      process.stdout.write('WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ');
      const answer = await new Promise<string>((resolve) => process.stdin.once('data', (d: Buffer) => resolve(d.toString().trim())));
      if (!/^y(es)?$/i.test(answer)) exit(0);
    }
    try {
      const r = await api(a).call<{ NetworksDeleted: string[] | null }>('POST', '/networks/prune', { query: { filters: filtersQuery(a.filter) } });
      if (r.NetworksDeleted?.length) process.stdout.write(`Deleted Networks:\n${r.NetworksDeleted.join('\n')}\n\n`);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
