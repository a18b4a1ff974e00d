// engine tag SOURCE TARGET
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  source: string;
  target: string;
}

export const tag: CommandModule<GlobalArgs, Args> = {
  command: 'tag <source> <target>',
  describe: 'Create a tag TARGET that refers to SOURCE',
  builder: (y) => (y as Argv<GlobalArgs>).positional('source', { type: 'string', demandOption: true }).positional('target', { type: 'string', demandOption: true }) as unknown as Argv<Args>,
  handler: async (a) => {
    const cut = a.target.lastIndexOf(':');
    const hasTag = cut > a.target.lastIndexOf('/');
    try {
      await api(a).call('POST', `/images/${a.source}/tag`, { query: { repo: hasTag ? a.target.slice(0, cut) : a.target, tag: hasTag ? a.target.slice(cut + 1) : 'latest' } });
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
