// engine rename: rename a container.
import type { Argv, CommandModule } from 'yargs';
import { api, exit, type GlobalArgs } from '../context.js';
import { eachContainer, containerPath } from './simple-verbs.js';

export const rename: CommandModule<GlobalArgs, GlobalArgs & { container: string; name: string }> = {
  command: 'rename <container> <name>',
  describe: 'Rename a container',
  builder: (y) => (y as Argv<GlobalArgs>).positional('container', { type: 'string', demandOption: true }).positional('name', { type: 'string', demandOption: true }) as unknown as Argv<GlobalArgs & { container: string; name: string }>,
  handler: async (a) => {
    await eachContainer([a.container], (n) => api(a).call('POST', containerPath(n, 'rename'), { query: { name: a.name } }), false);
    exit(0);
  },
};
