// ctr-ts images label [-r] NAME [KEY=VALUE…]: sets labels (an empty value clears one; -r replaces the
// whole set) and prints the image's labels afterwards, as ctr does.
import type { CommandModule } from 'yargs';
import { out, withClient, type GlobalArgs } from '../common.js';
import { labelUpdate } from '../label-update.js';
import { findImageName } from './resolve-name.js';

export const imagesLabel: CommandModule<GlobalArgs, GlobalArgs & { name: string; labels: string[]; 'replace-all': boolean }> = {
  command: 'label <name> [labels..]',
  describe: 'set and clear labels for an image',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .positional('labels', { type: 'string', array: true, default: [] })
      .option('replace-all', { alias: 'r', type: 'boolean', default: false, describe: 'replace all labels' }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const name = await findImageName(c, argv.name);
      const { labels, paths } = labelUpdate(argv.labels);
      const { image: current } = await c.images.get({ name });
      if (!current) throw new Error(`image ${JSON.stringify(argv.name)}: not found`);
      // -r: the labels field as a whole (so labels not named go); otherwise each label named (none: no
      // update, since an empty mask would replace the whole record).
      const mask = argv['replace-all'] ? ['labels'] : paths;
      const image = mask.length ? (await c.images.update({ image: { ...current, labels }, updateMask: { paths: mask } })).image : current;
      const now = image?.labels ?? {};
      out(Object.keys(now).map((k) => `${k}=${now[k]}`).join(','));
    }),
};
