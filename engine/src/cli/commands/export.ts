// engine export [-o FILE] CONTAINER: the container's filesystem as a tar archive.
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { validateOutputPath, writeArchive } from '../streams/archive-output.js';

interface Args extends GlobalArgs {
  container: string;
  output?: string | undefined;
}

export const exportCmd: CommandModule<GlobalArgs, Args> = {
  command: 'export <container>',
  describe: "Export a container's filesystem as a tar archive",
  builder: (y) => (y as Argv<GlobalArgs>).positional('container', { type: 'string', demandOption: true }).option('output', { alias: 'o', type: 'string', describe: 'Write to a file, instead of STDOUT' }) as unknown as Argv<Args>,
  handler: async (a) => {
    if (!a.output && process.stdout.isTTY) {
      process.stderr.write('cowardly refusing to save to a terminal. Use the -o flag or redirect\n');
      exit(1);
    }
    if (a.output) {
      try {
        validateOutputPath(a.output);
      } catch (err) {
        fail(new Error(`failed to export container: ${(err as Error).message}`));
      }
    }
    try {
      const res = await api(a).stream('GET', `/containers/${encodeURIComponent(a.container)}/export`);
      await writeArchive(res, a.output);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
