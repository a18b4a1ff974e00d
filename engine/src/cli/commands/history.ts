// engine history [--no-trunc] [-q] [--format] IMAGE
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { ago, humanSize } from '../format/human.js';
import { printFormatted } from '../format/template.js';

interface Args extends GlobalArgs {
  image: string;
  'no-trunc': boolean;
  quiet: boolean;
  format?: string | undefined;
}

export const history: CommandModule<GlobalArgs, Args> = {
  command: 'history <image>',
  describe: 'Show the history of an image',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('image', { type: 'string', demandOption: true })
      .option('no-trunc', { type: 'boolean', default: false })
      .option('quiet', { alias: 'q', type: 'boolean', default: false })
      .option('format', { type: 'string' }) as unknown as Argv<Args>,
  handler: async (a) => {
    try {
      const rows = await api(a).call<Array<{ Id: string; Created: number; CreatedBy: string; Size: number; Comment: string }>>('GET', `/images/${a.image}/history`);
      const id = (x: string) => (x === '<missing>' || a['no-trunc'] ? x : x.replace(/^sha256:/, '').slice(0, 12));
      if (a.quiet) {
        for (const r of rows) process.stdout.write(`${id(r.Id)}\n`);
        exit(0);
      }
      printFormatted(
        rows.map((r) => ({ ID: id(r.Id), CreatedSince: ago(r.Created), CreatedBy: a['no-trunc'] || r.CreatedBy.length <= 45 ? r.CreatedBy : `${r.CreatedBy.slice(0, 44)}…`, Size: humanSize(r.Size), Comment: r.Comment })),
        a.format,
        'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
        { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' },
      );
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
