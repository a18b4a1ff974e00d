// Task metrics leave the daemon under the type URL containerd's clients resolve: the bare message name
// (`io.containerd.cgroups.v1.Metrics`), as containerd's typeurl writes it. A shim may pack them the
// protobuf way, with a `type.googleapis.com/` host prefix, which stock ctr cannot look up.
import type { AnyRecord } from '../metadata/records.js';

const HOST_PREFIX = /^[^/]*\//;

export function containerdMetricsAny(stats: AnyRecord): AnyRecord {
  return { typeUrl: stats.typeUrl.replace(HOST_PREFIX, ''), value: stats.value };
}
