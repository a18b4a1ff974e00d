// engine network rm NETWORK…
import type { Argv, CommandModule } from 'yargs';
import { api, type GlobalArgs } from '../../context.js';
import { eachContainer } from '../simple-verbs.js';

interface Args extends GlobalArgs {
  networks: string[];
}

export const networkRm: CommandModule<GlobalArgs, Args> = {
  command: ['rm <networks..>', 'remove'],
  describe: 'Remove one or more networks',
  builder: (y) => (y as Argv<GlobalArgs>).positional('networks', { type: 'string', array: true, demandOption: true }) as unknown as Argv<Args>,
  handler: (a) => eachContainer(a.networks, (n) => api(a).call('DELETE', `/networks/${encodeURIComponent(n)}`)),
};
