import { containerStats } from '../../container/stats.js';
import { currentStatus } from '../../container/container-status.js';
import { watchOom } from '../../container/oom-watch.js';
import { type Command, oneId, str, UsageError } from '../command.js';

/** Go-style durations as runc takes them: 5s, 500ms, 1m. */
export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v);
  if (!m) throw new UsageError(`invalid --interval ${JSON.stringify(v)}: expected e.g. 5s, 500ms, 1m`);
  const n = Number(m[1]);
  const ms = n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  if (ms <= 0) throw new UsageError('--interval must be greater than zero');
  return ms;
}

export const command: Command = {
  name: 'events',
  summary: 'display container events such as OOM notifications and cpu, memory and pids usage statistics',
  usage: '[command options] <container-id>',
  options: { stats: { type: 'boolean' }, interval: { type: 'string' } },
  help: { stats: 'display the container\'s stats then exit', interval: 'set the stats collection interval (default: 5s)' },
  async run({ values, positionals }, rt) {
    const id = oneId('events', positionals);
    const print = (ev: object) => process.stdout.write(JSON.stringify(ev) + '\n');
    if (values.stats) {
      print(containerStats(rt, id));
      return 0;
    }
    const interval = parseDuration(str(values.interval) ?? '5s');
    const state = rt.store.load(id);
    const stopOom = watchOom(rt, state, () => print({ type: 'oom', id }));
    try {
      for (;;) {
        if (currentStatus(rt.store, rt.store.load(id)) === 'stopped') return 0;
        print(containerStats(rt, id));
        await new Promise((r) => setTimeout(r, interval));
      }
    } finally {
      stopOom();
    }
  },
};
