import { ociState } from '../../container/container-status.js';
import { type Command, str, UsageError } from '../command.js';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n') + '\n';
}

export const command: Command = {
  name: 'list',
  summary: 'lists containers started by runc-ts with the given root',
  usage: '[command options]',
  options: { format: { type: 'string', short: 'f' }, quiet: { type: 'boolean', short: 'q' } },
  help: { format: 'select one of: table or json (default: "table")', quiet: 'display only container IDs' },
  run({ values, positionals }, rt) {
    if (positionals.length) throw new UsageError('"list" takes no arguments');
    const format = str(values.format) ?? 'table';
    if (format !== 'table' && format !== 'json') throw new UsageError(`invalid format option ${JSON.stringify(format)}: must be table or json`);
    const states = rt.store.list().flatMap((id) => {
      try {
        return [ociState(rt.store, rt.store.load(id))];
      } catch {
        return []; // a container being created or deleted right now
      }
    });
    if (values.quiet) {
      process.stdout.write(states.map((s) => `${s.id as string}\n`).join(''));
    } else if (format === 'json') {
      process.stdout.write(JSON.stringify(states) + '\n');
    } else {
      const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER']];
      for (const s of states) rows.push([String(s.id), String(s.pid), String(s.status), String(s.bundle), String(s.created), String(s.owner || 'root')]);
      process.stdout.write(table(rows));
    }
    return 0;
  },
};
