// ctr-ts images rm NAME…
import type { CommandModule } from 'yargs';
import { out, withClient, type GlobalArgs } from '../common.js';
import { findImageName } from './resolve-name.js';

export const imagesRm: CommandModule<GlobalArgs, GlobalArgs & { names: string[]; sync: boolean }> = {
  command: ['rm <names..>', 'remove', 'delete'],
  describe: 'remove images (their content is garbage collected when nothing else needs it)',
  builder: (y) => y.positional('names', { type: 'string', array: true, demandOption: true }).option('sync', { type: 'boolean', default: false, describe: 'wait for garbage collection' }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      for (const n of argv.names) {
        const name = await findImageName(c, n);
        await c.images.delete({ name, sync: argv.sync });
        out(name);
      }
    }),
};
