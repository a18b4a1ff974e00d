// engine system prune [-a] [--volumes] [-f] [--filter …]: containers, networks, (volumes,) images and
// the build cache (which engined does not have), in docker's order and words.
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../../context.js';
import { filtersQuery } from '../ps.js';
import { confirmOrExit } from '../confirm.js';
import { humanSize4 } from '../units.js';
import { pruneContainers } from '../container/prune.js';
import { pruneImages } from '../image/prune.js';

interface Args extends GlobalArgs {
  all: boolean;
  volumes: boolean;
  force: boolean;
  filter: string[];
}

function warning(a: Args): string {
  const items = ['all stopped containers', 'all networks not used by at least one container'];
  if (a.volumes) items.push('all volumes not used by at least one container');
  items.push(a.all ? 'all images without at least one container associated to them' : 'all dangling images', 'all build cache');
  return `WARNING! This will remove:\n${items.map((i) => `  - ${i}`).join('\n')}\n`;
}

export const systemPrune: CommandModule<GlobalArgs, Args> = {
  command: 'prune',
  describe: 'Remove unused data',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'remove all unused images not just dangling ones' })
      .option('volumes', { type: 'boolean', default: false, describe: 'prune volumes' })
      .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'do not prompt for confirmation' })
      .option('filter', { type: 'string', array: true, default: [], describe: "provide filter values (e.g. 'label=<key>=<value>')" }) as unknown as Argv<Args>,
  handler: async (a) => {
    if (!a.force) await confirmOrExit(warning(a));
    try {
      const filters = filtersQuery(a.filter);
      let space = await pruneContainers(a, filters);
      const nets = await api(a).call<{ NetworksDeleted: string[] | null }>('POST', '/networks/prune', { query: { filters } });
      if (nets.NetworksDeleted?.length) process.stdout.write(`Deleted Networks:\n${nets.NetworksDeleted.join('\n')}\n\n`);
      if (a.volumes) {
        const vols = await api(a).call<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune', { query: { filters } });
        if (vols.VolumesDeleted?.length) process.stdout.write(`Deleted Volumes:\n${vols.VolumesDeleted.join('\n')}\n\n`);
        space += vols.SpaceReclaimed;
      }
      space += await pruneImages(a, a.all, a.filter);
      const cache = await api(a).call<{ SpaceReclaimed: number }>('POST', '/build/prune', { query: { all: a.all, filters } });
      space += cache.SpaceReclaimed;
      process.stdout.write(`Total reclaimed space: ${humanSize4(space)}\n`);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
