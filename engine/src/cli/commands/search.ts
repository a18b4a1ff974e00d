// engine search [--limit N] [--filter k=v] [--format …] [--no-trunc] TERM
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { printFormatted } from '../format/template.js';
import { filtersQuery } from './ps.js';

interface Args extends GlobalArgs {
  term: string;
  limit: number;
  filter: string[];
  format?: string | undefined;
  'no-trunc': boolean;
}

interface Result {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

export const search: CommandModule<GlobalArgs, Args> = {
  command: 'search <term>',
  describe: 'Search Docker Hub, or a registry host given in the term, for images',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('term', { type: 'string', demandOption: true })
      .option('limit', { type: 'number', default: 25, describe: 'max number of search results' })
      .option('filter', { alias: 'f', type: 'string', array: true, default: [], describe: 'filter output (stars=, is-official=, is-automated=)' })
      .option('format', { type: 'string', describe: 'Go template' })
      .option('no-trunc', { type: 'boolean', default: false, describe: "don't truncate output" }) as unknown as Argv<Args>,
  handler: async (a) => {
    let list: Result[];
    try {
      list = await api(a).call<Result[]>('GET', '/images/search', { query: { term: a.term, limit: a.limit, filters: filtersQuery(a.filter) } });
    } catch (err) {
      fail(err);
    }
    const rows = list.map((r) => {
      const d = r.description.replace(/\n/g, ' ');
      return {
        Name: r.name,
        Description: a['no-trunc'] || d.length <= 45 ? d : `${d.slice(0, 44)}…`,
        StarCount: r.star_count,
        IsOfficial: r.is_official ? '[OK]' : '',
        IsAutomated: r.is_automated ? '[OK]' : '',
      };
    });
    printFormatted(rows, a.format, 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}\t{{.IsAutomated}}', { Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL', IsAutomated: 'AUTOMATED' });
    exit(0);
  },
};
