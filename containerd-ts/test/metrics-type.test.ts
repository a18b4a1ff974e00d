// Task metrics as containerd's clients decode them: bare type URLs, and the v2 message on v2 hosts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { MetricsSchema as V1 } from '@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb';
import { MetricsSchema as V2 } from '@stack/proto/gen/io/containerd/cgroups/v2/metrics_pb';
import { containerdMetricsAny, hostCgroupMode } from '../src/core/tasks/metrics-type.js';
import { tempDir } from './support/temp.js';

const sample = create(V1, {
  pids: { current: 3n, limit: 100n },
  cpu: { usage: { total: 5_000_123n, kernel: 1_000_999n, user: 4_000_000n, perCpu: [1n, 2n] }, throttling: { periods: 7n, throttledPeriods: 2n, throttledTime: 9_000n } },
  memory: { rss: 4096n, cache: 8192n, mappedFile: 1024n, pgFault: 11n, pgMajFault: 1n, usage: { usage: 65536n, limit: 1_048_576n, max: 70000n }, swap: { usage: 1n, limit: 2n } },
  hugetlb: [{ usage: 5n, max: 6n, pagesize: '2MB' }],
});
// As shim-ts packs it: the protobuf way, with the type.googleapis.com/ prefix.
const fromShim = () => {
  const a = anyPack(V1, sample);
  return { typeUrl: a.typeUrl, value: a.value };
};

test('on a v1 host the message is passed on under its bare name', () => {
  expect(fromShim().typeUrl).toBe('type.googleapis.com/io.containerd.cgroups.v1.Metrics');
  const out = containerdMetricsAny(fromShim(), 'v1');
  expect(out.typeUrl).toBe('io.containerd.cgroups.v1.Metrics');
  expect(out.value).toEqual(toBinary(V1, sample));
});

test('on a v2 host the sample becomes io.containerd.cgroups.v2.Metrics, CPU times in µs', () => {
  const out = containerdMetricsAny(fromShim(), 'v2');
  expect(out.typeUrl).toBe('io.containerd.cgroups.v2.Metrics');
  const m = fromBinary(V2, out.value);
  expect(m.pids).toMatchObject({ current: 3n, limit: 100n });
  expect(m.cpu).toMatchObject({ usageUsec: 5000n, userUsec: 4000n, systemUsec: 1000n, nrPeriods: 7n, nrThrottled: 2n, throttledUsec: 9n });
  expect(m.memory).toMatchObject({ anon: 4096n, file: 8192n, fileMapped: 1024n, pgfault: 11n, pgmajfault: 1n, usage: 65536n, usageLimit: 1_048_576n, maxUsage: 70000n, swapUsage: 1n, swapLimit: 2n });
  expect(m.hugetlb).toMatchObject([{ current: 5n, max: 6n, pagesize: '2MB' }]);
  // Already-bare v2 data (a shim that reads v2 itself) passes through untouched.
  const v2 = { typeUrl: 'io.containerd.cgroups.v2.Metrics', value: out.value };
  expect(containerdMetricsAny(v2, 'v2')).toEqual(v2);
});

test('the host is v2 only when the cgroup root is the unified hierarchy', () => {
  const dir = tempDir('cgmode-');
  try {
    expect(hostCgroupMode(dir)).toBe('v1');
    fs.writeFileSync(path.join(dir, 'cgroup.controllers'), 'cpu memory pids\n');
    expect(hostCgroupMode(dir)).toBe('v2');
    // This machine: hybrid (v1 controllers, cgroup2 under unified/), so v1.
    expect(hostCgroupMode()).toBe(fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : 'v1');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
