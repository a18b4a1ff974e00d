// containerd's cgroup Metrics → the JSON of GET /containers/{id}/stats, in the cgroup v1 field names
// docker's client computes CPU %, memory, network and block I/O from.
import type { Metrics } from '@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb';

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface CpuStats {
  cpu_usage: { total_usage: number; percpu_usage?: number[]; usage_in_kernelmode: number; usage_in_usermode: number };
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface NetStats {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

/** One reading: the metrics (absent for a container that is not running) and the host's CPU time then. */
export interface Sample {
  read: string;
  metrics: Metrics | undefined;
  systemCpuNs: number;
  onlineCpus: number;
  networks: Record<string, NetStats> | undefined;
}

const n = (v: bigint | undefined): number => Number(v ?? 0n);

const BLKIO_KEYS = ['io_service_bytes_recursive', 'io_serviced_recursive', 'io_queue_recursive', 'io_service_time_recursive', 'io_wait_time_recursive', 'io_merged_recursive', 'io_time_recursive', 'sectors_recursive'] as const;

function cpuStats(s: Sample | undefined): CpuStats {
  const empty: CpuStats = { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
  const cpu = s?.metrics?.cpu;
  if (!s || !s.metrics) return empty;
  return {
    cpu_usage: {
      total_usage: n(cpu?.usage?.total),
      ...(cpu?.usage?.perCpu.length ? { percpu_usage: cpu.usage.perCpu.map((x) => Number(x)) } : {}),
      usage_in_kernelmode: n(cpu?.usage?.kernel),
      usage_in_usermode: n(cpu?.usage?.user),
    },
    system_cpu_usage: s.systemCpuNs,
    online_cpus: s.onlineCpus,
    throttling_data: { periods: n(cpu?.throttling?.periods), throttled_periods: n(cpu?.throttling?.throttledPeriods), throttled_time: n(cpu?.throttling?.throttledTime) },
  };
}

function memoryStats(m: Metrics | undefined, hostMemory: number): Record<string, unknown> {
  const mem = m?.memory;
  if (!mem) return {};
  const stats: Record<string, number> = {
    active_anon: n(mem.activeAnon),
    active_file: n(mem.activeFile),
    cache: n(mem.cache),
    inactive_anon: n(mem.inactiveAnon),
    inactive_file: n(mem.inactiveFile),
    mapped_file: n(mem.mappedFile),
    pgfault: n(mem.pgFault),
    pgmajfault: n(mem.pgMajFault),
    rss: n(mem.rss),
    total_cache: n(mem.totalCache),
    total_rss: n(mem.totalRss),
    unevictable: n(mem.unevictable),
  };
  if (mem.totalInactiveFile) stats.total_inactive_file = n(mem.totalInactiveFile);
  // An unlimited cgroup reports a huge limit: the machine's memory is the real one, as dockerd shows.
  const limit = n(mem.usage?.limit);
  const failcnt = n(mem.usage?.failcnt);
  // dockerd leaves failcnt out when it is zero.
  return { usage: n(mem.usage?.usage), max_usage: n(mem.usage?.max), stats, ...(failcnt ? { failcnt } : {}), limit: limit > 0 && limit < hostMemory ? limit : hostMemory };
}

function blkioStats(m: Metrics | undefined): Record<string, unknown> {
  const b = m?.blkio;
  const entries = (list: Array<{ major: bigint; minor: bigint; op: string; value: bigint }> | undefined) => list?.map((e) => ({ major: n(e.major), minor: n(e.minor), op: e.op, value: n(e.value) })) ?? null;
  const src = b ? [b.ioServiceBytesRecursive, b.ioServicedRecursive, b.ioQueuedRecursive, b.ioServiceTimeRecursive, b.ioWaitTimeRecursive, b.ioMergedRecursive, b.ioTimeRecursive, b.sectorsRecursive] : [];
  return Object.fromEntries(BLKIO_KEYS.map((k, i) => [k, entries(src[i])]));
}

/** The stats JSON for `cur`, with `pre` as the previous reading (precpu_stats, preread). */
export function statsView(rec: { ID: string; Name: string }, cur: Sample | undefined, pre: Sample | undefined, hostMemory: number): Record<string, unknown> {
  const m = cur?.metrics;
  return {
    read: cur?.metrics ? cur.read : ZERO_TIME,
    preread: pre?.metrics ? pre.read : ZERO_TIME,
    pids_stats: m?.pids ? { current: n(m.pids.current), ...(m.pids.limit ? { limit: n(m.pids.limit) } : {}) } : {},
    blkio_stats: blkioStats(m),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuStats(cur),
    precpu_stats: cpuStats(pre),
    memory_stats: memoryStats(m, hostMemory),
    name: rec.Name,
    id: rec.ID,
    ...(cur?.networks ? { networks: cur.networks } : {}),
  };
}

/** /proc/stat's first line → nanoseconds of CPU time the host spent (USER_HZ is 100 on Linux). */
export function systemCpuNs(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return 0;
  const ticks = line.trim().split(/\s+/).slice(1, 8).reduce((s, v) => s + Number(v), 0);
  return ticks * 10_000_000;
}

/** /proc/<pid>/net/dev → per-interface counters, loopback left out (as dockerd does). */
export function parseNetDev(text: string): Record<string, NetStats> {
  const out: Record<string, NetStats> = {};
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === 'lo') continue;
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    out[name] = { rx_bytes: f[0] ?? 0, rx_packets: f[1] ?? 0, rx_errors: f[2] ?? 0, rx_dropped: f[3] ?? 0, tx_bytes: f[8] ?? 0, tx_packets: f[9] ?? 0, tx_errors: f[10] ?? 0, tx_dropped: f[11] ?? 0 };
  }
  return out;
}
