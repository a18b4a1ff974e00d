// engine volume inspect [--format] VOLUME…
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../../context.js';
import { renderTemplate } from '../../format/template.js';

interface Args extends GlobalArgs {
  volumes: string[];
  format?: string | undefined;
}

export const volumeInspect: CommandModule<GlobalArgs, Args> = {
  command: 'inspect <volumes..>',
  describe: 'Display detailed information on one or more volumes',
  builder: (y) => (y as Argv<GlobalArgs>).positional('volumes', { type: 'string', array: true, demandOption: true }).option('format', { alias: 'f', type: 'string' }) as unknown as Argv<Args>,
  handler: async (a) => {
    const out: unknown[] = [];
    try {
      for (const v of a.volumes) out.push(await api(a).call('GET', `/volumes/${encodeURIComponent(v)}`));
    } catch (err) {
      fail(err);
    }
    if (a.format) for (const v of out) process.stdout.write(`${renderTemplate(a.format, v)}\n`);
    else process.stdout.write(`${JSON.stringify(out, null, 4)}\n`);
    exit(0);
  },
};
