// engine tag SOURCE TARGET
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { splitRepositoryTag } from '../../common/reference.js';

interface Args extends GlobalArgs {
  source: string;
  target: string;
}

export const tag: CommandModule<GlobalArgs, Args> = {
  command: 'tag <source> <target>',
  describe: 'Create a tag TARGET that refers to SOURCE',
  builder: (y) => (y as Argv<GlobalArgs>).positional('source', { type: 'string', demandOption: true }).positional('target', { type: 'string', demandOption: true }) as unknown as Argv<Args>,
  handler: async (a) => {
    const split = splitRepositoryTag(a.target);
    try {
      await api(a).call('POST', `/images/${a.source}/tag`, { query: { repo: split.repository, tag: split.tag || 'latest' } });
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
