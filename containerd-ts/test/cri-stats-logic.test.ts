// Pure logic behind CRI statistics: /proc net/dev parsing, CgroupUsage from shim metrics and from a
// cgroup read directly (v1 totals, v2 keys), working set and available bytes, nano cores.
import { create } from '@bufbuild/protobuf';
import { MetricsSchema } from '@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb';
import { CpuSampler, memoryUsage, sumUsage, usageFromCgroupStats, usageFromMetrics } from '../src/cri/cgroup-usage.js';
import { parseNetDev } from '../src/cri/net-dev.js';

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     140       2    0    0    0     0          0         0      140       2    0    0    0     0       0          0
  eth0:   15306     120    3    0    0     0          0         0     9040      61    1    0    0     0       0          0
`;

test('net/dev: bytes and errors per interface', () => {
  expect(parseNetDev(NET_DEV)).toEqual([
    { name: 'lo', rxBytes: 140n, rxErrors: 0n, txBytes: 140n, txErrors: 0n },
    { name: 'eth0', rxBytes: 15306n, rxErrors: 3n, txBytes: 9040n, txErrors: 1n },
  ]);
  expect(parseNetDev('')).toEqual([]);
});

test('usage from a shim sample: own counters when the totals are not kept', () => {
  const m = create(MetricsSchema, { cpu: { usage: { total: 5000n } }, pids: { current: 3n }, memory: { usage: { usage: 100n, limit: 9223372036854771712n }, inactiveFile: 30n, rss: 50n, pgFault: 7n, pgMajFault: 1n, totalRss: 60n } });
  expect(usageFromMetrics(m)).toEqual({ cpuNs: 5000n, memUsage: 100n, memLimit: 0n, inactiveFile: 30n, rss: 60n, pageFaults: 7n, majorPageFaults: 1n, pids: 3n });
});

test('usage from a cgroup: v1 subtree totals, v2 keys', () => {
  const base = { cpu: { usage: { total: 9e9, kernel: 0, user: 0 }, throttling: { periods: 0, throttledPeriods: 0, throttledTime: 0 } }, pids: { current: 4, limit: 0 }, blkio: {} as never };
  const v1 = usageFromCgroupStats({ ...base, memory: { usage: { limit: 1 << 20, usage: 800_000, max: 0, failcnt: 0 }, cache: 0, raw: { inactive_file: 1, total_inactive_file: 100_000, rss: 5, total_rss: 600_000, total_pgfault: 42, total_pgmajfault: 2 } } });
  expect(v1).toEqual({ cpuNs: 9_000_000_000n, memUsage: 800_000n, memLimit: 1_048_576n, inactiveFile: 100_000n, rss: 600_000n, pageFaults: 42n, majorPageFaults: 2n, pids: 4n });
  const v2 = usageFromCgroupStats({ ...base, memory: { usage: { limit: 0, usage: 500, max: 0, failcnt: 0 }, cache: 0, raw: { inactive_file: 200, anon: 250, pgfault: 9, pgmajfault: 0 } } });
  expect(v2).toMatchObject({ memLimit: 0n, inactiveFile: 200n, rss: 250n, pageFaults: 9n });
  expect(memoryUsage(v1, 1n)).toMatchObject({ workingSetBytes: { value: 700_000n }, availableBytes: { value: 348_576n }, usageBytes: { value: 800_000n } });
  expect(memoryUsage(v2, 1n)).toMatchObject({ workingSetBytes: { value: 300n }, availableBytes: { value: 0n } });
  expect(sumUsage([v1, v2])).toMatchObject({ cpuNs: 18_000_000_000n, memUsage: 800_500n, memLimit: 0n, pids: 8n });
});

test('nano cores: CPU time between two samples over the wall time between them', () => {
  const s = new CpuSampler();
  expect(s.nanoCores('a', 1_000_000_000n, 10_000_000_000n)).toBe(0n);
  // 0.5 s of CPU in 2 s: a quarter of a core.
  expect(s.nanoCores('a', 1_500_000_000n, 12_000_000_000n)).toBe(250_000_000n);
  expect(s.nanoCores('a', 1_600_000_000n, 12_000_000_000n)).toBe(0n); // same instant
  s.retain(new Set());
  expect(s.nanoCores('a', 2_000_000_000n, 13_000_000_000n)).toBe(0n); // forgotten: a first sample again
});
