// engine image prune [-a] [-f] [--filter until=…|label=…]
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../../context.js';
import { filtersQuery } from '../ps.js';
import { confirmOrExit } from '../confirm.js';
import { humanSize4 } from '../units.js';

interface Args extends GlobalArgs {
  all: boolean;
  force: boolean;
  filter: string[];
}

/** POST /images/prune (dangling=false for -a) and docker's report of it; returns the space reclaimed. */
export async function pruneImages(a: GlobalArgs, all: boolean, filter: readonly string[]): Promise<number> {
  const filters = filtersQuery([...filter, ...(all ? ['dangling=false'] : [])]);
  const r = await api(a).call<{ ImagesDeleted: Array<{ Untagged?: string; Deleted?: string }> | null; SpaceReclaimed: number }>('POST', '/images/prune', { query: { filters } });
  if (r.ImagesDeleted?.length) {
    const lines = r.ImagesDeleted.map((d) => (d.Untagged ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted ?? ''}`));
    process.stdout.write(`Deleted Images:\n${lines.join('\n')}\n\n`);
  }
  return r.SpaceReclaimed;
}

export const imagePrune: CommandModule<GlobalArgs, Args> = {
  command: 'prune',
  describe: 'Remove unused images',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'remove all unused images, not just dangling ones' })
      .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'do not prompt for confirmation' })
      .option('filter', { type: 'string', array: true, default: [], describe: "provide filter values (e.g. 'until=<timestamp>')" }) as unknown as Argv<Args>,
  handler: async (a) => {
    if (!a.force) await confirmOrExit(a.all ? 'WARNING! This will remove all images without at least one container associated to them.' : 'WARNING! This will remove all dangling images.');
    try {
      const space = await pruneImages(a, a.all, a.filter);
      process.stdout.write(`Total reclaimed space: ${humanSize4(space)}\n`);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
