// engine rm: remove one or more containers.
import type { CommandModule } from 'yargs';
import { api, type GlobalArgs } from '../context.js';
import { eachContainer, names, type Names } from './simple-verbs.js';

export const rm: CommandModule<GlobalArgs, Names & { force: boolean; volumes: boolean }> = {
  command: 'rm <containers..>',
  describe: 'Remove one or more containers',
  builder: (y) => names(y).option('force', { alias: 'f', type: 'boolean', default: false, describe: 'kill a running container first' }).option('volumes', { alias: 'v', type: 'boolean', default: false, describe: 'remove anonymous volumes too' }),
  handler: (a) => eachContainer(a.containers, (n) => api(a).call('DELETE', `/containers/${encodeURIComponent(n)}`, { query: { force: a.force, v: a.volumes }, notFound: { object: 'container', id: n } }), true, true),
};
