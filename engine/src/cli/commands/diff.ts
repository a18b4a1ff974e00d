// engine diff CONTAINER: files and directories changed in a container's filesystem (A, C, D as docker).
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  container: string;
}

const LETTER = ['C', 'A', 'D'] as const;

export const diff: CommandModule<GlobalArgs, Args> = {
  command: 'diff <container>',
  describe: "Inspect changes to files or directories on a container's filesystem",
  builder: (y) => (y as Argv<GlobalArgs>).positional('container', { type: 'string', demandOption: true }) as unknown as Argv<Args>,
  handler: async (a) => {
    try {
      const changes = await api(a).call<Array<{ Path: string; Kind: number }> | null>('GET', `/containers/${encodeURIComponent(a.container)}/changes`);
      process.stdout.write((changes ?? []).map((c) => `${LETTER[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
