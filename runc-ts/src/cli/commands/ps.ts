import { cgroupManagerFromPaths } from '../../cgroups/open.js';
import { type Command, str, UsageError } from '../command.js';

export const command: Command = {
  name: 'ps',
  summary: 'ps displays the processes running inside a container',
  usage: '[command options] <container-id> [ps options]',
  stopAtCommand: true,
  options: { format: { type: 'string', short: 'f' } },
  help: { format: 'select one of: table or json (default: "table")' },
  run({ values, positionals }, rt) {
    const [id, ...psArgs] = positionals;
    if (!id) throw new UsageError('"ps" requires a container id');
    const format = str(values.format) ?? 'table';
    if (format !== 'table' && format !== 'json') throw new UsageError(`invalid format option ${JSON.stringify(format)}: must be table or json`);
    const state = rt.store.load(id);
    const pids = cgroupManagerFromPaths(state.cgroupPaths).pids();
    if (format === 'json') {
      process.stdout.write(JSON.stringify(pids) + '\n');
      return 0;
    }
    // Required here: node:child_process must not load into the startup snapshot.
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const r = spawnSync('ps', psArgs.length ? psArgs : ['-ef'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ps ${psArgs.join(' ')}: ${r.stderr.trim() || `exit ${r.status}`}`);
    const [header = '', ...lines] = r.stdout.split('\n');
    const pidColumn = header.trim().split(/\s+/).indexOf('PID');
    if (pidColumn < 0) throw new Error('could not find the PID column in the ps output');
    const wanted = new Set(pids.map(String));
    process.stdout.write([header, ...lines.filter((l) => wanted.has(l.trim().split(/\s+/)[pidColumn] ?? ''))].join('\n') + '\n');
    return 0;
  },
};
