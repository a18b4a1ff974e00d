// engine save [-o FILE] IMAGE…: a tarball on stdout or in a file.
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { validateOutputPath, writeArchive } from '../streams/archive-output.js';

interface Args extends GlobalArgs {
  images: string[];
  output?: string | undefined;
}

export const save: CommandModule<GlobalArgs, Args> = {
  command: 'save <images..>',
  describe: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  builder: (y) => (y as Argv<GlobalArgs>).positional('images', { type: 'string', array: true, demandOption: true }).option('output', { alias: 'o', type: 'string', describe: 'write to a file' }) as unknown as Argv<Args>,
  handler: async (a) => {
    if (!a.output && process.stdout.isTTY) {
      process.stderr.write('Cowardly refusing to save to a terminal. Use the -o flag or redirect.\n');
      exit(1);
    }
    if (a.output) {
      try {
        validateOutputPath(a.output);
      } catch (err) {
        fail(new Error(`failed to save image: ${(err as Error).message}`));
      }
    }
    try {
      const res = await api(a).stream('GET', '/images/get', { query: { names: a.images } });
      await writeArchive(res, a.output);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
