// engine network inspect [--format] NETWORK…
import type { Argv, CommandModule } from 'yargs';
import { ApiError } from '../../api-client.js';
import { api, errorText, exit, type GlobalArgs } from '../../context.js';
import { renderTemplate } from '../../format/template.js';

interface Args extends GlobalArgs {
  networks: string[];
  format?: string | undefined;
}

export const networkInspect: CommandModule<GlobalArgs, Args> = {
  command: 'inspect <networks..>',
  describe: 'Display detailed information on one or more networks',
  builder: (y) => (y as Argv<GlobalArgs>).positional('networks', { type: 'string', array: true, demandOption: true }).option('format', { alias: 'f', type: 'string', describe: 'Go template' }) as unknown as Argv<Args>,
  handler: async (a) => {
    const found: unknown[] = [];
    let failed = false;
    for (const n of a.networks) {
      try {
        found.push(await api(a).call('GET', `/networks/${encodeURIComponent(n)}`));
      } catch (err) {
        failed = true;
        process.stderr.write(err instanceof ApiError && err.status === 404 ? `Error: No such network: ${n}\n` : `${errorText(err)}\n`);
      }
    }
    if (a.format) for (const f of found) process.stdout.write(`${renderTemplate(a.format, f)}\n`);
    else process.stdout.write(`${JSON.stringify(found, null, 4)}\n`);
    exit(failed ? 1 : 0);
  },
};
