// engine rmi [-f] IMAGE…
import type { Argv, CommandModule } from 'yargs';
import { api, errorText, exit, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  images: string[];
  force: boolean;
}

export const rmi: CommandModule<GlobalArgs, Args> = {
  command: 'rmi <images..>',
  describe: 'Remove one or more images',
  builder: (y) => (y as Argv<GlobalArgs>).positional('images', { type: 'string', array: true, demandOption: true }).option('force', { alias: 'f', type: 'boolean', default: false }) as unknown as Argv<Args>,
  handler: async (a) => {
    let failed = false;
    for (const i of a.images) {
      try {
        const items = await api(a).call<Array<Record<string, string>>>('DELETE', `/images/${i}`, { query: { force: a.force }, notFound: { object: 'image', id: i } });
        for (const it of items) for (const [k, v] of Object.entries(it)) process.stdout.write(`${k}: ${v}\n`);
      } catch (err) {
        failed = true;
        process.stderr.write(`${errorText(err)}\n`);
      }
    }
    exit(failed ? 1 : 0);
  },
};
