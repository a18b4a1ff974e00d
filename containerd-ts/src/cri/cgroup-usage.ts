// A cgroup's CPU and memory figures as CRI reports them, from either source the CRI service reads:
// a task's metrics from its shim (containerd's io.containerd.cgroups.v1.Metrics, on every host) or a
// pod cgroup read directly (runc-ts's statistics, v1 or v2 keys). Working set is usage less the
// inactive page cache, as kubelet's eviction expects; nano cores come from two samples.
import type { Metrics as V1Metrics } from '@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb';
import type { CgroupStats } from '@stack/runc-ts/cgroup-stats';

export interface CgroupUsage {
  /** Cumulative CPU time, ns. */
  cpuNs: bigint;
  memUsage: bigint;
  /** 0 when the cgroup has no memory limit. */
  memLimit: bigint;
  inactiveFile: bigint;
  rss: bigint;
  pageFaults: bigint;
  majorPageFaults: bigint;
  pids: bigint;
}

/** Limits at or above this are "no limit" (v1 writes 2^63 rounded down to a page). */
const UNLIMITED = 1n << 62n;

const big = (n: number | undefined) => BigInt(Math.max(0, Math.trunc(n ?? 0)));
const limitOf = (n: bigint) => (n >= UNLIMITED ? 0n : n);

/**
 * From a shim's metrics: the hierarchical total_* counters where the host keeps them (v1), else the
 * cgroup's own (v2 memory.stat has no total_ keys; a leaf's own equal its totals).
 */
export function usageFromMetrics(m: V1Metrics): CgroupUsage {
  const mem = m.memory;
  const or = (total: bigint | undefined, own: bigint | undefined) => (total && total > 0n ? total : (own ?? 0n));
  return {
    cpuNs: m.cpu?.usage?.total ?? 0n,
    memUsage: mem?.usage?.usage ?? 0n,
    memLimit: limitOf(mem?.usage?.limit ?? 0n),
    inactiveFile: or(mem?.totalInactiveFile, mem?.inactiveFile),
    rss: or(mem?.totalRss, mem?.rss),
    pageFaults: or(mem?.totalPgFault, mem?.pgFault),
    majorPageFaults: or(mem?.totalPgMajFault, mem?.pgMajFault),
    pids: m.pids?.current ?? 0n,
  };
}

/** From a cgroup read directly: v1 memory.stat (total_* for a parent's subtree) or v2 memory.stat. */
export function usageFromCgroupStats(s: CgroupStats): CgroupUsage {
  const raw = s.memory.raw;
  return {
    cpuNs: big(s.cpu.usage.total),
    memUsage: big(s.memory.usage.usage),
    memLimit: limitOf(big(s.memory.usage.limit)),
    inactiveFile: big(raw['total_inactive_file'] ?? raw['inactive_file']),
    rss: big(raw['total_rss'] ?? raw['anon'] ?? raw['rss']),
    pageFaults: big(raw['total_pgfault'] ?? raw['pgfault']),
    majorPageFaults: big(raw['total_pgmajfault'] ?? raw['pgmajfault']),
    pids: big(s.pids.current),
  };
}

export function sumUsage(list: CgroupUsage[]): CgroupUsage {
  const z: CgroupUsage = { cpuNs: 0n, memUsage: 0n, memLimit: 0n, inactiveFile: 0n, rss: 0n, pageFaults: 0n, majorPageFaults: 0n, pids: 0n };
  for (const u of list) {
    for (const k of Object.keys(z) as Array<keyof CgroupUsage>) if (k !== 'memLimit') z[k] += u[k];
  }
  return z;
}

const u64 = (value: bigint) => ({ value });

export function workingSet(u: CgroupUsage): bigint {
  return u.memUsage > u.inactiveFile ? u.memUsage - u.inactiveFile : 0n;
}

/** runtime.v1.MemoryUsage; available only under a limit. */
export function memoryUsage(u: CgroupUsage, timestamp: bigint) {
  const ws = workingSet(u);
  return {
    timestamp,
    workingSetBytes: u64(ws),
    availableBytes: u64(u.memLimit > ws ? u.memLimit - ws : 0n),
    usageBytes: u64(u.memUsage),
    rssBytes: u64(u.rss),
    pageFaults: u64(u.pageFaults),
    majorPageFaults: u64(u.majorPageFaults),
  };
}

/**
 * The last CPU sample of each container and pod, for usage_nano_cores: CPU time used between two
 * samples over the wall time between them. The first sample of a key gives 0, as containerd does.
 */
export class CpuSampler {
  private readonly last = new Map<string, { cpuNs: bigint; at: bigint }>();

  nanoCores(key: string, cpuNs: bigint, at: bigint): bigint {
    const prev = this.last.get(key);
    if (prev && at <= prev.at) return 0n;
    this.last.set(key, { cpuNs, at });
    if (!prev || cpuNs < prev.cpuNs) return 0n;
    return ((cpuNs - prev.cpuNs) * 1_000_000_000n) / (at - prev.at);
  }

  /** runtime.v1.CpuUsage for a sample. */
  cpuUsage(key: string, u: CgroupUsage, timestamp: bigint) {
    return { timestamp, usageCoreNanoSeconds: u64(u.cpuNs), usageNanoCores: u64(this.nanoCores(key, u.cpuNs, timestamp)) };
  }

  /** Drops keys no longer in use (removed containers and pods). */
  retain(keep: Set<string>): void {
    for (const k of this.last.keys()) if (!keep.has(k)) this.last.delete(k);
  }
}
