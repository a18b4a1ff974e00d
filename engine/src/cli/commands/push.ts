// engine push NAME[:TAG]
import type { Argv, CommandModule } from 'yargs';
import { normalize } from '../../common/reference.js';
import { api, exit, fail, refuse, type GlobalArgs } from '../context.js';
import { registryAuthHeader } from '../auth/credentials.js';
import { renderProgress } from '../streams/json-progress.js';

interface Args extends GlobalArgs {
  image: string;
  quiet: boolean;
  'all-tags': boolean;
}

export const push: CommandModule<GlobalArgs, Args> = {
  command: 'push <image>',
  describe: 'Upload an image to a registry',
  builder: (y) => (y as Argv<GlobalArgs>).positional('image', { type: 'string', demandOption: true }).option('quiet', { alias: 'q', type: 'boolean', default: false })
      .option('all-tags', { alias: 'a', type: 'boolean', default: false, describe: 'push all tags of the repository (not supported)' }) as unknown as Argv<Args>,
  handler: async (a) => {
    refuse('push', a, { 'all-tags': 'engined pushes one tag at a time' });
    try {
      const ref = normalize(a.image);
      const name = a.image.replace(/:[^:/]+$/, '');
      const res = await api(a).stream('POST', `/images/${name}/push`, { query: { tag: ref.tag }, headers: { 'X-Registry-Auth': registryAuthHeader(a.image) } });
      await renderProgress(res, process.stdout, a.quiet);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
