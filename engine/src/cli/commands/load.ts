// engine load [-i FILE] [-q]: images from a tarball (docker save or OCI archive).
import * as fs from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { renderProgress } from '../streams/json-progress.js';

interface Args extends GlobalArgs {
  input?: string | undefined;
  quiet: boolean;
}

export const load: CommandModule<GlobalArgs, Args> = {
  command: 'load',
  describe: 'Load images from a tar archive or STDIN',
  builder: (y) => (y as Argv<GlobalArgs>).option('input', { alias: 'i', type: 'string', describe: 'read from a file instead of STDIN' }).option('quiet', { alias: 'q', type: 'boolean', default: false }) as unknown as Argv<Args>,
  handler: async (a) => {
    try {
      if (!a.input && process.stdin.isTTY) throw new Error('requested load from stdin, but stdin is empty');
      // Opened before the request, so a missing file is `open FILE: no such file or directory`.
      const stream = a.input ? fs.createReadStream('', { fd: fs.openSync(a.input, 'r') }) : process.stdin;
      const res = await api(a).stream('POST', '/images/load', { query: { quiet: a.quiet }, stream });
      await renderProgress(res, process.stdout);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
