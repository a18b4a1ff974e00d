// ctr-ts images tag SOURCE TARGET…
import type { CommandModule } from 'yargs';
import { hasCode, Status } from '../../../client/light-channel.js';
import { out, withClient, type GlobalArgs } from '../common.js';
import { findImageName, normalizedName } from './resolve-name.js';

export const imagesTag: CommandModule<GlobalArgs, GlobalArgs & { source: string; targets: string[]; force: boolean }> = {
  command: 'tag <source> <targets..>',
  describe: 'give an image more names',
  builder: (y) => y.positional('source', { type: 'string', demandOption: true }).positional('targets', { type: 'string', array: true, demandOption: true }).option('force', { type: 'boolean', default: false }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const src = (await c.images.get({ name: await findImageName(c, argv.source) })).image;
      if (!src) throw new Error(`image ${argv.source}: not found`);
      for (const t of argv.targets) {
        const name = normalizedName(t);
        const image = { name, labels: src.labels, ...(src.target ? { target: src.target } : {}) };
        try {
          await c.images.create({ image });
        } catch (err) {
          if (!argv.force || !hasCode(err, Status.ALREADY_EXISTS)) throw err;
          await c.images.delete({ name });
          await c.images.create({ image });
        }
        out(name);
      }
    }),
};
