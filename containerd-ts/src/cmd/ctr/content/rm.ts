// ctr-ts content rm DIGEST…
import type { CommandModule } from 'yargs';
import { out, withClient, type GlobalArgs } from '../common.js';

export const contentRm: CommandModule<GlobalArgs, GlobalArgs & { digests: string[] }> = {
  command: ['rm <digests..>', 'remove', 'delete'],
  describe: 'remove blobs from this namespace',
  builder: (y) => y.positional('digests', { type: 'string', array: true, demandOption: true }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      for (const digest of argv.digests) {
        await c.content.delete({ digest });
        out(digest);
      }
    }),
};
