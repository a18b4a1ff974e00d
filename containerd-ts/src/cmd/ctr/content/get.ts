// ctr-ts content get DIGEST: the blob's bytes on stdout.
import type { CommandModule } from 'yargs';
import { withClient, type GlobalArgs } from '../common.js';

export const contentGet: CommandModule<GlobalArgs, GlobalArgs & { digest: string }> = {
  command: 'get <digest>',
  describe: 'write a blob to stdout',
  builder: (y) => y.positional('digest', { type: 'string', demandOption: true }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      for await (const r of c.content.read({ digest: argv.digest })) {
        if (!process.stdout.write(r.data)) await new Promise((res) => process.stdout.once('drain', res));
      }
    }),
};
