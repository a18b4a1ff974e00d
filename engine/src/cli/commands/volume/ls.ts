// engine volume ls [-q] [--filter] [--format]
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../../context.js';
import { printFormatted } from '../../format/template.js';
import { filtersQuery } from '../ps.js';

interface Args extends GlobalArgs {
  quiet: boolean;
  filter: string[];
  format?: string | undefined;
}

export const volumeLs: CommandModule<GlobalArgs, Args> = {
  command: ['ls', 'list'],
  describe: 'List volumes',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .option('quiet', { alias: 'q', type: 'boolean', default: false })
      .option('filter', { alias: 'f', type: 'string', array: true, default: [] })
      .option('format', { type: 'string' }) as unknown as Argv<Args>,
  handler: async (a) => {
    try {
      const r = await api(a).call<{ Volumes: Array<{ Name: string; Driver: string; Mountpoint: string; Labels: Record<string, string> }> }>('GET', '/volumes', { query: { filters: filtersQuery(a.filter) } });
      if (a.quiet) for (const v of r.Volumes) process.stdout.write(`${v.Name}\n`);
      else printFormatted(r.Volumes.map((v) => ({ ...v, Labels: Object.entries(v.Labels).map(([k, x]) => `${k}=${x}`).join(',') })), a.format, 'table {{.Driver}}\t{{.Name}}', { Driver: 'DRIVER', Name: 'VOLUME NAME', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS' });
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
