// ctr-ts namespaces rm NAME…
import type { CommandModule } from 'yargs';
import { out, withClient, type GlobalArgs } from '../common.js';

export const namespacesRm: CommandModule<GlobalArgs, GlobalArgs & { names: string[] }> = {
  command: ['rm <names..>', 'remove'],
  describe: 'remove empty namespaces',
  builder: (y) => y.positional('names', { type: 'string', array: true, demandOption: true }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      for (const name of argv.names) {
        await c.namespaces.delete({ name });
        out(name);
      }
    }),
};
