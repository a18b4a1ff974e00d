// engine unpause: unpause all processes within one or more containers.
import type { CommandModule } from 'yargs';
import { api, type GlobalArgs } from '../context.js';
import { eachContainer, names, containerPath, type Names } from './simple-verbs.js';

export const unpause: CommandModule<GlobalArgs, Names> = {
  command: 'unpause <containers..>',
  describe: 'Unpause all processes within one or more containers',
  builder: names,
  handler: (a) => eachContainer(a.containers, (n) => api(a).call('POST', containerPath(n, 'unpause')), true, true),
};
