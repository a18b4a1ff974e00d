// engine export [-o FILE] CONTAINER: the container's filesystem as a tar archive.
import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';

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
    try {
      const res = await api(a).stream('GET', `/containers/${encodeURIComponent(a.container)}/export`);
      // Written whole or not at all: a failed export never leaves a truncated file under the name.
      const tmp = a.output ? `${a.output}.${process.pid}.tmp` : undefined;
      await pipeline(res, tmp ? fs.createWriteStream(tmp) : process.stdout);
      if (tmp && a.output) fs.renameSync(tmp, a.output);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
