// engine kill: kill one or more running containers.
import type { CommandModule } from 'yargs';
import { api, type GlobalArgs } from '../context.js';
import { eachContainer, names, containerPath, type Names } from './simple-verbs.js';

export const kill: CommandModule<GlobalArgs, Names & { signal?: string | undefined }> = {
  command: 'kill <containers..>',
  describe: 'Kill one or more running containers',
  builder: (y) => names(y).option('signal', { alias: 's', type: 'string', describe: 'signal to send (default KILL)' }),
  handler: (a) => eachContainer(a.containers, (n) => api(a).call('POST', containerPath(n, 'kill'), { query: { signal: a.signal } }), true, true),
};
