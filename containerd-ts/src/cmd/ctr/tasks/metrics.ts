// ctr-ts tasks metrics ID: one sample of the task's cgroup statistics (io.containerd.cgroups.v1.Metrics),
// printed as ctr prints v1 metrics, or the whole decoded message with --format json.
import { fromBinary } from '@bufbuild/protobuf';
import type { CommandModule } from 'yargs';
import type { Metrics } from '@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb';
import { out, table, time, withClient, type GlobalArgs } from '../common.js';

const METRICS_TYPE = 'io.containerd.cgroups.v1.Metrics';

function decode(data: { typeUrl: string; value: Uint8Array }): Metrics {
  if (!data.typeUrl.endsWith(METRICS_TYPE)) throw new Error(`cannot show metrics of type ${data.typeUrl}`);
  const { MetricsSchema } = require('@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb') as typeof import('@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb');
  return fromBinary(MetricsSchema, data.value);
}

/** A message as plain JSON: 64-bit numbers as numbers, protobuf-es's $typeName left out. */
function plain(v: unknown): string {
  return JSON.stringify(v, (k, val: unknown) => (k === '$typeName' ? undefined : typeof val === 'bigint' ? Number(val) : val), 2);
}

function rows(m: Metrics): string[][] {
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
      const m = decode(metric.data);
      if (argv.format === 'json') {
        out(plain({ id: metric.id, timestamp: time(metric.timestamp), data: m }));
        return;
      }
      out(table(['ID', 'TIMESTAMP'], [[metric.id, time(metric.timestamp)]]));
      out('');
      out(table(['METRIC', 'VALUE'], rows(m)));
    }),
};
