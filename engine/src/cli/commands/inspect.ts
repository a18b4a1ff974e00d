// engine inspect [--type container|image|volume|network] [--format …] NAME…
import type { Argv, CommandModule } from 'yargs';
import { ApiError } from '../api-client.js';
import { api, errorText, exit, refuse, type GlobalArgs } from '../context.js';
import { executeParsed } from '../format/template-exec.js';
import { parseTemplate, type TemplateNode } from '../format/template-parse.js';

interface Args extends GlobalArgs {
  names: string[];
  type?: string | undefined;
  format?: string | undefined;
  size: boolean;
}

const PATHS: Record<string, (n: string) => string> = {
  container: (n) => `/containers/${encodeURIComponent(n)}/json`,
  image: (n) => `/images/${n}/json`,
  volume: (n) => `/volumes/${encodeURIComponent(n)}`,
  network: (n) => `/networks/${encodeURIComponent(n)}`,
};

export const inspect: CommandModule<GlobalArgs, Args> = {
  command: 'inspect <names..>',
  describe: 'Return low-level information on containers, images or volumes',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('names', { type: 'string', array: true, demandOption: true })
      .option('type', { type: 'string', choices: ['container', 'image', 'volume', 'network'], describe: 'only this kind of object' })
      .option('format', { alias: 'f', type: 'string', describe: 'Go template' })
      .option('size', { alias: 's', type: 'boolean', default: false, describe: 'display total file sizes (not supported)' }) as unknown as Argv<Args>,
  handler: async (a) => {
    refuse('inspect', a, { size: 'engined does not compute container sizes' });
    const client = api(a);
    let template: TemplateNode[] | undefined;
    try {
      template = a.format === undefined ? undefined : parseTemplate(a.format.replace(/\\t/g, '\t').replace(/\\n/g, '\n'));
    } catch (err) {
      // docker inspect: a template that does not parse is a usage error, status 64.
      process.stderr.write(`template parsing error: ${(err as Error).message}\n`);
      exit(64);
    }
    const found: unknown[] = [];
    let failed = false;
    for (const n of a.names) {
      let hit: unknown;
      let error: string | undefined;
      for (const kind of a.type ? [a.type] : ['container', 'image', 'volume', 'network']) {
        try {
          hit = await client.call('GET', PATHS[kind]!(n));
          break;
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 404)) {
            error = errorText(err);
            break;
          }
        }
      }
      if (hit === undefined) {
        failed = true;
        process.stderr.write(`${error ?? `Error: No such ${a.type ?? 'object'}: ${n}`}\n`);
      } else found.push(hit);
    }
    if (!template) process.stdout.write(`${JSON.stringify(found, null, 4)}\n`);
    // As docker: what rendered before a failing object is still printed (a lone newline if nothing).
    let rendered = '';
    for (const f of template ? found : []) {
      try {
        rendered += `${executeParsed(template!, f)}\n`;
      } catch (err) {
        process.stdout.write(rendered || '\n');
        process.stderr.write(`template parsing error: ${(err as Error).message}\n`);
        exit(1);
      }
    }
    process.stdout.write(rendered);
    exit(failed ? 1 : 0);
  },
};
