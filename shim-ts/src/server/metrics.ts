// runc-ts's cgroup statistics in containerd's io.containerd.cgroups.v1.Metrics form.
import { create } from '@bufbuild/protobuf';
import { anyPack, type Any } from '@bufbuild/protobuf/wkt';
import { MetricsSchema } from '@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb';
import type { CgroupStats } from '@stack/runc-ts';

const big = (n: number | undefined) => BigInt(Math.max(0, Math.trunc(n ?? 0)));

type Entries = CgroupStats['blkio']['ioServiceBytesRecursive'];
const blkioEntries = (list: Entries | undefined) => (list ?? []).map((e) => ({ op: e.op, device: '', major: big(e.major), minor: big(e.minor), value: big(e.value) }));

export function metricsAny(s: CgroupStats): Any {
  const raw = s.memory.raw;
  const b = s.blkio;
  return anyPack(
    MetricsSchema,
    create(MetricsSchema, {
      pids: { current: big(s.pids.current), limit: big(s.pids.limit) },
      ...(b
        ? {
            blkio: {
              ioServiceBytesRecursive: blkioEntries(b.ioServiceBytesRecursive),
              ioServicedRecursive: blkioEntries(b.ioServicedRecursive),
              ioQueuedRecursive: blkioEntries(b.ioQueuedRecursive),
              ioServiceTimeRecursive: blkioEntries(b.ioServiceTimeRecursive),
              ioWaitTimeRecursive: blkioEntries(b.ioWaitTimeRecursive),
              ioMergedRecursive: blkioEntries(b.ioMergedRecursive),
              ioTimeRecursive: blkioEntries(b.ioTimeRecursive),
              sectorsRecursive: blkioEntries(b.sectorsRecursive),
            },
          }
        : {}),
      cpu: {
        usage: { total: big(s.cpu.usage.total), kernel: big(s.cpu.usage.kernel), user: big(s.cpu.usage.user), perCpu: (s.cpu.usage.percpu ?? []).map(big) },
        throttling: { periods: big(s.cpu.throttling.periods), throttledPeriods: big(s.cpu.throttling.throttledPeriods), throttledTime: big(s.cpu.throttling.throttledTime) },
      },
      memory: {
        cache: big(s.memory.cache),
        rss: big(raw.rss ?? raw.anon),
        mappedFile: big(raw.mapped_file ?? raw.file_mapped),
        inactiveAnon: big(raw.inactive_anon),
        activeAnon: big(raw.active_anon),
        inactiveFile: big(raw.inactive_file),
        activeFile: big(raw.active_file),
        unevictable: big(raw.unevictable),
        pgFault: big(raw.pgfault),
        pgMajFault: big(raw.pgmajfault),
        totalRss: big(raw.total_rss),
        totalCache: big(raw.total_cache),
        usage: { limit: big(s.memory.usage.limit), usage: big(s.memory.usage.usage), max: big(s.memory.usage.max), failcnt: big(s.memory.usage.failcnt) },
        ...(s.memory.swap
          ? { swap: { limit: big(s.memory.swap.limit), usage: big(s.memory.swap.usage), max: big(s.memory.swap.max), failcnt: big(s.memory.swap.failcnt) } }
          : {}),
      },
    }),
  );
}
