// engine container prune [-f] [--filter until=…|label=…|label!=…]
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../../context.js';
import { filtersQuery } from '../ps.js';
import { confirmOrExit } from '../confirm.js';
import { humanSize4 } from '../units.js';

interface Args extends GlobalArgs {
  force: boolean;
  filter: string[];
}

/** POST /containers/prune and docker's report of it; returns the space reclaimed. */
export async function pruneContainers(a: GlobalArgs, filters: string | undefined): Promise<number> {
  const r = await api(a).call<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/containers/prune', { query: { filters } });
  if (r.ContainersDeleted?.length) process.stdout.write(`Deleted Containers:\n${r.ContainersDeleted.join('\n')}\n\n`);
  return r.SpaceReclaimed;
}

export const containerPrune: CommandModule<GlobalArgs, Args> = {
  command: 'prune',
  describe: 'Remove all stopped containers',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'do not prompt for confirmation' })
      .option('filter', { type: 'string', array: true, default: [], describe: "provide filter values (e.g. 'until=<timestamp>')" }) as unknown as Argv<Args>,
  handler: async (a) => {
    if (!a.force) await confirmOrExit('WARNING! This will remove all stopped containers.');
    try {
      const space = await pruneContainers(a, filtersQuery(a.filter));
      process.stdout.write(`Total reclaimed space: ${humanSize4(space)}\n`);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
