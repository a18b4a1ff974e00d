// engine stop: stop one or more running containers.
import type { CommandModule } from 'yargs';
import { api, type GlobalArgs } from '../context.js';
import { eachContainer, names, containerPath, type Names } from './simple-verbs.js';

export const stop: CommandModule<GlobalArgs, Names & { time?: number | undefined }> = {
  command: 'stop <containers..>',
  describe: 'Stop one or more running containers',
  builder: (y) => names(y).option('time', { alias: 't', type: 'number', describe: 'seconds to wait before killing' }),
  handler: (a) => eachContainer(a.containers, (n) => api(a).call('POST', containerPath(n, 'stop'), { query: { t: a.time } }), true, true),
};
