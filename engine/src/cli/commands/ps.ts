// engine ps [-a] [-q] [-l] [-n N] [--filter k=v] [--format …] [--no-trunc]
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, refuse, type GlobalArgs } from '../context.js';
import { ago } from '../format/human.js';
import { displayPorts, type PortSummary } from '../format/ports.js';
import { printFormatted } from '../format/template.js';

interface Args extends GlobalArgs {
  all: boolean;
  quiet: boolean;
  filter: string[];
  format?: string | undefined;
  'no-trunc': boolean;
  last?: number | undefined;
  latest: boolean;
  size: boolean;
}

interface Summary {
  Id: string;
  Names: string[];
  Image: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  Labels: Record<string, string>;
  Mounts: Array<{ Name?: string; Source: string }>;
  Ports?: PortSummary[] | null;
  NetworkSettings?: { Networks?: Record<string, unknown> };
}

/** docker ps checks its template before listing, in its own words. */
const PS_TEMPLATE_WORDS = { parse: 'failed to parse template', exec: 'failed to execute template' };

export function filtersQuery(list: readonly string[]): string | undefined {
  if (!list.length) return undefined;
  const f: Record<string, string[]> = {};
  for (const x of list) {
    const i = x.indexOf('=');
    if (i < 0) throw new Error(`bad format of filter (expected name=value): ${x}`);
    (f[x.slice(0, i)] ??= []).push(x.slice(i + 1));
  }
  return JSON.stringify(f);
}

export const ps: CommandModule<GlobalArgs, Args> = {
  command: 'ps',
  describe: 'List containers',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'show all containers (default shows just running)' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'only display container IDs' })
      .option('filter', { alias: 'f', type: 'string', array: true, default: [], describe: 'filter output (status=, name=, label=, ancestor=, …)' })
      .option('format', { type: 'string', describe: 'Go template, "table …" or "json"' })
      .option('no-trunc', { type: 'boolean', default: false, describe: "don't truncate output" })
      .option('last', { alias: 'n', type: 'number', describe: 'show n last created containers' })
      .option('latest', { alias: 'l', type: 'boolean', default: false, describe: 'show the latest created container' })
      .option('size', { alias: 's', type: 'boolean', default: false, describe: 'display total file sizes (not supported)' }) as unknown as Argv<Args>,
  handler: async (a) => {
    refuse('ps', a, { size: 'engined does not compute container sizes' });
    const last = a.latest ? 1 : a.last;
    let list: Summary[];
    try {
      list = await api(a).call<Summary[]>('GET', '/containers/json', { query: { all: a.all, filters: filtersQuery(a.filter), limit: last } });
    } catch (err) {
      fail(err);
    }
    if (a.quiet) {
      for (const c of list) process.stdout.write(`${a['no-trunc'] ? c.Id : c.Id.slice(0, 12)}\n`);
      exit(0);
    }
    const rows = list.map((c) => {
      const cmd = a['no-trunc'] || c.Command.length <= 20 ? c.Command : `${c.Command.slice(0, 19)}…`;
      return {
        ID: a['no-trunc'] ? c.Id : c.Id.slice(0, 12),
        Image: c.Image,
        Command: JSON.stringify(cmd),
        CreatedAt: new Date(c.Created * 1000).toISOString(),
        RunningFor: ago(c.Created),
        Ports: displayPorts(c.Ports ?? []),
        Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).join(','),
        State: c.State,
        Status: c.Status,
        Names: c.Names.map((n) => n.replace(/^\//, '')).join(','),
        Labels: Object.entries(c.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
        Mounts: c.Mounts.map((m) => m.Name ?? m.Source).join(','),
        Label: (k: unknown) => c.Labels?.[String(k)] ?? '',
      };
    });
    printFormatted(rows, a.format, 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}', {
      ID: 'CONTAINER ID',
      Image: 'IMAGE',
      Command: 'COMMAND',
      RunningFor: 'CREATED',
      CreatedAt: 'CREATED AT',
      Status: 'STATUS',
      State: 'STATE',
      Ports: 'PORTS',
      Names: 'NAMES',
      Networks: 'NETWORKS',
    }, PS_TEMPLATE_WORDS);
    exit(0);
  },
};
