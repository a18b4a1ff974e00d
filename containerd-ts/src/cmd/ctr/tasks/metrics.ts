// ctr-ts tasks metrics ID: one sample of the task's cgroup statistics (io.containerd.cgroups.v1.Metrics,
// or v2 on a unified-hierarchy host), printed as ctr prints them, or the whole decoded message with
// --format json.
import { fromBinary } from '@bufbuild/protobuf';
import type { CommandModule } from 'yargs';
import type { Metrics as V1Metrics } from '@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb';
import type { Metrics as V2Metrics } from '@stack/proto/gen/io/containerd/cgroups/v2/metrics_pb';
import { out, table, time, withClient, type GlobalArgs } from '../common.js';

type Decoded = { version: 1; m: V1Metrics } | { version: 2; m: V2Metrics };

function decode(data: { typeUrl: string; value: Uint8Array }): Decoded {
  if (data.typeUrl.endsWith('io.containerd.cgroups.v1.Metrics')) {
    const { MetricsSchema } = require('@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb') as typeof import('@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb');
    return { version: 1, m: fromBinary(MetricsSchema, data.value) };
  }
  if (data.typeUrl.endsWith('io.containerd.cgroups.v2.Metrics')) {
    const { MetricsSchema } = require('@stack/proto/gen/io/containerd/cgroups/v2/metrics_pb') as typeof import('@stack/proto/gen/io/containerd/cgroups/v2/metrics_pb');
    return { version: 2, m: fromBinary(MetricsSchema, data.value) };
  }
  throw new Error(`cannot show metrics of type ${data.typeUrl}`);
}

/** A message as plain JSON: 64-bit numbers as numbers, protobuf-es's $typeName left out. */
function plain(v: unknown): string {
  return JSON.stringify(v, (k, val: unknown) => (k === '$typeName' ? undefined : typeof val === 'bigint' ? Number(val) : val), 2);
}

function rowsV2(m: V2Metrics): string[][] {
  const r: string[][] = [];
  if (m.pids) r.push(['pids.current', String(m.pids.current)], ['pids.limit', String(m.pids.limit)]);
  if (m.cpu) {
    const c = m.cpu;
    r.push(['cpu.usage_usec', String(c.usageUsec)], ['cpu.user_usec', String(c.userUsec)], ['cpu.system_usec', String(c.systemUsec)]);
    r.push(['cpu.nr_periods', String(c.nrPeriods)], ['cpu.nr_throttled', String(c.nrThrottled)], ['cpu.throttled_usec', String(c.throttledUsec)]);
  }
  if (m.memory) {
    const mem = m.memory;
    r.push(['memory.usage', String(mem.usage)], ['memory.usage_limit', String(mem.usageLimit)], ['memory.swap_usage', String(mem.swapUsage)], ['memory.swap_limit', String(mem.swapLimit)]);
  }
  return r;
}

function rows(m: V1Metrics): string[][] {
  const r: string[][] = [];
  if (m.memory) {
    r.push(['memory.usage_in_bytes', String(m.memory.usage?.usage ?? 0n)]);
    r.push(['memory.limit_in_bytes', String(m.memory.usage?.limit ?? 0n)]);
    r.push(['memory.stat.cache', String(m.memory.totalCache || m.memory.cache)]);
  }
  if (m.cpu) {
    r.push(['cpuacct.usage', String(m.cpu.usage?.total ?? 0n)]);
    r.push(['cpuacct.usage_percpu', `[${(m.cpu.usage?.perCpu ?? []).join(' ')}]`]);
  }
  if (m.pids) {
    r.push(['pids.current', String(m.pids.current)]);
    r.push(['pids.limit', String(m.pids.limit)]);
  }
  return r;
}

export const tasksMetrics: CommandModule<GlobalArgs, GlobalArgs & { id: string }> = {
  command: ['metrics <id>', 'metric <id>'],
  describe: 'one sample of a task\'s cgroup metrics',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const [{ metrics }, { process: p }] = await Promise.all([c.tasks.metrics({ filters: [`id==${argv.id}`] }), c.tasks.get({ containerId: argv.id })]);
      const metric = metrics[0];
      if (!metric?.data) throw new Error(`task ${argv.id} has no metrics (status ${p?.status === 3 ? 'stopped' : 'unknown'}: only a live task has a cgroup to read)`);
      const d = decode(metric.data);
      if (argv.format === 'json') {
        out(plain({ id: metric.id, timestamp: time(metric.timestamp), data: d.m }));
        return;
      }
      out(table(['ID', 'TIMESTAMP'], [[metric.id, time(metric.timestamp)]]));
      out('');
      out(table(['METRIC', 'VALUE'], d.version === 1 ? rows(d.m) : rowsV2(d.m)));
    }),
};
