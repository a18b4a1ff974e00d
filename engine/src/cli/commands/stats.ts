// engine stats [-a] [--no-stream] [--no-trunc] [--format …] [CONTAINER…]: docker's table of CPU %,
// memory, network and block I/O and pids, computed from the stats API as docker's client does.
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { printFormatted, type Row } from '../format/template.js';
import { bytesSize, humanSize4 } from './units.js';

interface Args extends GlobalArgs {
  containers: string[];
  all: boolean;
  stream: boolean;
  'no-trunc': boolean;
  format?: string | undefined;
}

interface CpuStats {
  cpu_usage: { total_usage: number; percpu_usage?: number[] };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface StatsJson {
  id: string;
  name: string;
  pids_stats: { current?: number };
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> };
  blkio_stats: { io_service_bytes_recursive?: Array<{ op: string; value: number }> | null };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

/** docker's calculateCPUPercentUnix. */
export function cpuPercent(s: StatsJson): number {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus || s.cpu_stats.cpu_usage.percpu_usage?.length || 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
}

/** Memory in use without the page cache that can be dropped (docker's rule for cgroup v1 and v2). */
export function memoryUsed(m: StatsJson['memory_stats']): number {
  const usage = m.usage ?? 0;
  const v1 = m.stats?.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = m.stats?.inactive_file;
  return v2 !== undefined && v2 < usage ? usage - v2 : usage;
}

export function statsRow(s: StatsJson, noTrunc: boolean): Row {
  const used = memoryUsed(s.memory_stats);
  const limit = s.memory_stats.limit ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes;
    tx += n.tx_bytes;
  }
  let read = 0;
  let write = 0;
  for (const e of s.blkio_stats.io_service_bytes_recursive ?? []) {
    if (e.op.toLowerCase() === 'read') read += e.value;
    if (e.op.toLowerCase() === 'write') write += e.value;
  }
  const id = noTrunc ? s.id : s.id.slice(0, 12);
  return {
    ID: id,
    Container: id,
    Name: s.name.replace(/^\//, ''),
    CPUPerc: `${cpuPercent(s).toFixed(2)}%`,
    MemUsage: `${bytesSize(used)} / ${bytesSize(limit)}`,
    MemPerc: `${(limit ? (used / limit) * 100 : 0).toFixed(2)}%`,
    NetIO: `${humanSize4(rx)} / ${humanSize4(tx)}`,
    BlockIO: `${humanSize4(read)} / ${humanSize4(write)}`,
    PIDs: s.pids_stats.current ?? 0,
  };
}

const HEADERS = { ID: 'CONTAINER ID', Container: 'CONTAINER', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS' };
const DEFAULT = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

/** The JSON documents of a JSON-lines response, one per line. */
async function* jsonLines<T>(res: AsyncIterable<Buffer>): AsyncGenerator<T> {
  let buf = '';
  for await (const chunk of res) {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield JSON.parse(line) as T;
    }
  }
}

/** Reads one container's stats stream, calling `on` with each reading. */
async function follow(a: GlobalArgs, id: string, on: (s: StatsJson) => void): Promise<void> {
  const res = await api(a).stream('GET', `/containers/${encodeURIComponent(id)}/stats`, { query: { stream: true } });
  for await (const s of jsonLines<StatsJson>(res as AsyncIterable<Buffer>)) on(s);
}

/** Calls `on` with each container start, die and destroy until the daemon ends the stream. */
async function followEvents(a: GlobalArgs, on: (action: string, id: string) => void): Promise<void> {
  const filters = JSON.stringify({ type: ['container'], event: ['start', 'die', 'destroy'] });
  const res = await api(a).stream('GET', '/events', { query: { filters } });
  for await (const ev of jsonLines<{ Action?: string; Actor?: { ID?: string } }>(res as AsyncIterable<Buffer>)) {
    if (ev.Action && ev.Actor?.ID) on(ev.Action, ev.Actor.ID);
  }
}

export const stats: CommandModule<GlobalArgs, Args> = {
  command: 'stats [containers..]',
  describe: "Display a live stream of container(s) resource usage statistics",
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('containers', { type: 'string', array: true, default: [] })
      .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'show all containers (default shows just running)' })
      // yargs reads --no-stream as stream=false.
      .option('stream', { type: 'boolean', default: true, describe: '--no-stream: disable streaming stats and only pull the first result' })
      .option('no-trunc', { type: 'boolean', default: false, describe: 'do not truncate output' })
      .option('format', { type: 'string', describe: 'Go template, "table …" or "json"' }) as unknown as Argv<Args>,
  handler: async (a) => {
    let ids = a.containers;
    try {
      if (!ids.length) ids = (await api(a).call<Array<{ Id: string }>>('GET', '/containers/json', { query: { all: a.all } })).map((c) => c.Id);
      if (!a.stream) {
        const readings = await Promise.all(ids.map((id) => api(a).call<StatsJson>('GET', `/containers/${encodeURIComponent(id)}/stats`, { query: { stream: false } })));
        printFormatted(readings.map((s) => statsRow(s, a['no-trunc'])), a.format, DEFAULT, HEADERS);
        exit(0);
      }
    } catch (err) {
      fail(err);
    }
    // Streaming: the latest reading of each container, the table redrawn every second as docker does.
    const latest = new Map<string, StatsJson>();
    const watched = new Set<string>();
    const watch = (id: string) => {
      if (watched.has(id)) return Promise.resolve();
      watched.add(id);
      return follow(a, id, (s) => latest.set(id, s)).catch((err: unknown) => fail(err));
    };
    const forget = (id: string) => {
      watched.delete(id);
      latest.delete(id);
    };
    const streams = ids.map(watch);
    const timer = setInterval(() => {
      const rows = [...watched].flatMap((id) => {
        const s = latest.get(id);
        return s ? [statsRow(s, a['no-trunc'])] : [];
      });
      process.stdout.write('\x1b[2J\x1b[H');
      printFormatted(rows, a.format, DEFAULT, HEADERS);
    }, 1000);
    if (a.containers.length === 0) {
      // No names: every container as it comes and goes (docker's client follows the events too).
      await followEvents(a, (action, id) => {
        if (action === 'start') void watch(id);
        else if (action === 'destroy' || (action === 'die' && !a.all)) forget(id);
      }).catch((err: unknown) => fail(err));
    }
    await Promise.all(streams);
    clearInterval(timer);
    exit(0);
  },
};
