// Task metrics leave the daemon as containerd's do: under the bare message name containerd's typeurl
// writes (a `type.googleapis.com/` prefix makes stock ctr fail to look the type up), and in the
// format of the host's cgroup version — io.containerd.cgroups.v1.Metrics on a v1 or hybrid host,
// io.containerd.cgroups.v2.Metrics where only the unified hierarchy is mounted.
// shim-ts reports every host's statistics in the v1 message; on a v2 host they are carried over into
// the v2 message field by field (units converted; v2-only counters it does not read stay 0).
import * as fs from 'node:fs';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { MetricsSchema as V1MetricsSchema, type Metrics as V1Metrics } from '@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb';
import { MetricsSchema as V2MetricsSchema, type Metrics as V2Metrics } from '@stack/proto/gen/io/containerd/cgroups/v2/metrics_pb';
import type { AnyRecord } from '../metadata/records.js';

export type CgroupMode = 'v1' | 'v2';

const bare = (typeUrl: string) => typeUrl.replace(/^[^/]*\//, '');

/** 'v2' when /sys/fs/cgroup is the unified hierarchy itself (a hybrid host is 'v1'). */
export function hostCgroupMode(root = '/sys/fs/cgroup'): CgroupMode {
  return fs.existsSync(`${root}/cgroup.controllers`) ? 'v2' : 'v1';
}

/** The v2 message with what a v1 sample holds (CPU times from ns to µs). */
export function v2FromV1(m: V1Metrics): V2Metrics {
  const usec = (ns: bigint | undefined) => (ns ?? 0n) / 1000n;
  const mem = m.memory;
  return create(V2MetricsSchema, {
    ...(m.pids ? { pids: { current: m.pids.current, limit: m.pids.limit } } : {}),
    ...(m.cpu
      ? {
          cpu: {
            usageUsec: usec(m.cpu.usage?.total),
            userUsec: usec(m.cpu.usage?.user),
            systemUsec: usec(m.cpu.usage?.kernel),
            nrPeriods: m.cpu.throttling?.periods ?? 0n,
            nrThrottled: m.cpu.throttling?.throttledPeriods ?? 0n,
            throttledUsec: usec(m.cpu.throttling?.throttledTime),
          },
        }
      : {}),
    ...(mem
      ? {
          memory: {
            anon: mem.rss,
            file: mem.cache,
            fileMapped: mem.mappedFile,
            fileDirty: mem.dirty,
            fileWriteback: mem.writeback,
            anonThp: mem.rssHuge,
            inactiveAnon: mem.inactiveAnon,
            activeAnon: mem.activeAnon,
            inactiveFile: mem.inactiveFile,
            activeFile: mem.activeFile,
            unevictable: mem.unevictable,
            pgfault: mem.pgFault,
            pgmajfault: mem.pgMajFault,
            usage: mem.usage?.usage ?? 0n,
            usageLimit: mem.usage?.limit ?? 0n,
            maxUsage: mem.usage?.max ?? 0n,
            swapUsage: mem.swap?.usage ?? 0n,
            swapLimit: mem.swap?.limit ?? 0n,
            swapMaxUsage: mem.swap?.max ?? 0n,
          },
        }
      : {}),
    hugetlb: m.hugetlb.map((h) => ({ current: h.usage, max: h.max, pagesize: h.pagesize })),
  });
}

export function containerdMetricsAny(stats: AnyRecord, mode: CgroupMode = hostCgroupMode()): AnyRecord {
  const typeUrl = bare(stats.typeUrl);
  if (mode === 'v2' && typeUrl === V1MetricsSchema.typeName) {
    return { typeUrl: V2MetricsSchema.typeName, value: toBinary(V2MetricsSchema, v2FromV1(fromBinary(V1MetricsSchema, stats.value))) };
  }
  return { typeUrl, value: stats.value };
}
