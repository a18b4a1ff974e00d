// engine volume rm [-f] VOLUME…
import type { Argv, CommandModule } from 'yargs';
import { api, type GlobalArgs } from '../../context.js';
import { eachContainer } from '../simple-verbs.js';

interface Args extends GlobalArgs {
  volumes: string[];
  force: boolean;
}

export const volumeRm: CommandModule<GlobalArgs, Args> = {
  command: ['rm <volumes..>', 'remove'],
  describe: 'Remove one or more volumes',
  builder: (y) => (y as Argv<GlobalArgs>).positional('volumes', { type: 'string', array: true, demandOption: true }).option('force', { alias: 'f', type: 'boolean', default: false }) as unknown as Argv<Args>,
  handler: (a) => eachContainer(a.volumes, (v) => api(a).call('DELETE', `/volumes/${encodeURIComponent(v)}`, { query: { force: a.force }, notFound: { object: 'volume', id: v } })),
};
