// ctr-ts containers ls
import type { CommandModule } from 'yargs';
import { out, print, withClient, type GlobalArgs } from '../common.js';
import { containerJson } from './info.js';

export const containersLs: CommandModule<GlobalArgs, GlobalArgs & { quiet: boolean; filters: string[] }> = {
  command: ['ls [filters..]', 'list'],
  describe: 'list containers',
  builder: (y) => y.option('quiet', { alias: 'q', type: 'boolean', default: false }).positional('filters', { type: 'string', array: true, default: [] }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const all = [];
      for await (const m of c.containers.listStream({ filters: argv.filters })) if (m.container) all.push(m.container);
      if (argv.quiet) return out(all.map((x) => x.id).join('\n'));
      print(argv, all, ['CONTAINER', 'IMAGE', 'RUNTIME'], (x) => [x.id, x.image || '-', x.runtime?.name ?? ''], containerJson);
    }),
};
