// engine network ls [-q] [--filter k=v] [--format] [--no-trunc]
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../../context.js';
import { ago } from '../../format/human.js';
import { printFormatted } from '../../format/template.js';
import { filtersQuery } from '../ps.js';

interface Args extends GlobalArgs {
  quiet: boolean;
  filter: string[];
  format?: string | undefined;
  'no-trunc': boolean;
}

interface NetworkView {
  Id: string;
  Name: string;
  Driver: string;
  Scope: string;
  Created: string;
  Internal: boolean;
  EnableIPv6: boolean;
  Labels: Record<string, string>;
}

export const networkLs: CommandModule<GlobalArgs, Args> = {
  command: ['ls', 'list'],
  describe: 'List networks',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'only display network IDs' })
      .option('filter', { alias: 'f', type: 'string', array: true, default: [], describe: 'filter output (driver=, id=, label=, name=, type=custom|builtin, dangling=)' })
      .option('format', { type: 'string', describe: 'Go template, "table …" or "json"' })
      .option('no-trunc', { type: 'boolean', default: false, describe: "don't truncate the output" }) as unknown as Argv<Args>,
  handler: async (a) => {
    let list: NetworkView[];
    try {
      list = await api(a).call<NetworkView[]>('GET', '/networks', { query: { filters: filtersQuery(a.filter) } });
    } catch (err) {
      fail(err);
    }
    list.sort((x, y) => x.Name.localeCompare(y.Name));
    const id = (n: NetworkView) => (a['no-trunc'] ? n.Id : n.Id.slice(0, 12));
    if (a.quiet) {
      for (const n of list) process.stdout.write(`${id(n)}\n`);
      exit(0);
    }
    const rows = list.map((n) => ({
      ID: id(n),
      Name: n.Name,
      Driver: n.Driver,
      Scope: n.Scope,
      IPv6: String(n.EnableIPv6),
      Internal: String(n.Internal),
      CreatedAt: n.Created,
      RunningFor: ago(Date.parse(n.Created) / 1000),
      Labels: Object.entries(n.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
    }));
    printFormatted(rows, a.format, 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}', { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', CreatedAt: 'CREATED AT', Labels: 'LABELS' });
    exit(0);
  },
};
