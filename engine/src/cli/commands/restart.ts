// engine restart: restart one or more containers.
import type { CommandModule } from 'yargs';
import { api, type GlobalArgs } from '../context.js';
import { eachContainer, names, containerPath, type Names } from './simple-verbs.js';

export const restart: CommandModule<GlobalArgs, Names & { time?: number | undefined }> = {
  command: 'restart <containers..>',
  describe: 'Restart one or more containers',
  builder: (y) => names(y).option('time', { alias: 't', type: 'number', describe: 'seconds to wait before killing' }),
  handler: (a) => eachContainer(a.containers, (n) => api(a).call('POST', containerPath(n, 'restart'), { query: { t: a.time } })),
};
