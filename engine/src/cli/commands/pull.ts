// engine pull [-q] NAME[:TAG|@DIGEST]: one progress bar per layer on a terminal.
import type { Argv, CommandModule } from 'yargs';
import { familiarString, normalize } from '../../common/reference.js';
import { api, exit, fail, refuse, type GlobalArgs } from '../context.js';
import { pullImage } from '../container-create.js';

interface Args extends GlobalArgs {
  image: string;
  quiet: boolean;
  'all-tags': boolean;
}

export const pull: CommandModule<GlobalArgs, Args> = {
  command: 'pull <image>',
  describe: 'Download an image from a registry',
  builder: (y) => (y as Argv<GlobalArgs>).positional('image', { type: 'string', demandOption: true }).option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'suppress verbose output' })
      .option('all-tags', { alias: 'a', type: 'boolean', default: false, describe: 'download all tagged images (not supported)' }) as unknown as Argv<Args>,
  handler: async (a) => {
    refuse('pull', a, { 'all-tags': 'engined pulls one reference at a time' });
    try {
      const ref = normalize(a.image);
      if (!a.quiet && !a.image.includes(':') && !a.image.includes('@')) process.stdout.write('Using default tag: latest\n');
      await pullImage(api(a), a.image, process.stdout, a.quiet);
      process.stdout.write(`${a.quiet ? familiarString(ref) : formatFull(a.image)}\n`);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};

function formatFull(image: string): string {
  const r = normalize(image);
  return `${r.domain}/${r.path}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}
