// CRI LinuxContainerResources to the OCI spec's linux.resources, for CreateContainer and
// UpdateContainerResources. As containerd, a zero (or empty) field means "leave as is"; values the
// kernel would refuse are refused here by name, and hugepage limits where the host has no hugetlb
// controller.
import * as fs from 'node:fs';
import { Code, GrpcError } from '@stack/proto';
import type { LinuxContainerResources } from '@stack/proto/gen/runtime/v1/api_pb';
import type { OciResources } from '../client/oci/spec.js';
import { invalidArgument } from '../core/errdefs.js';

/** OCI's type URL for linux.resources in a task Update. */
export const RESOURCES_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/LinuxResources';

const CPUSET = /^(\d+(-\d+)?)(,\d+(-\d+)?)*$/;
const PAGE_SIZE = /^\d+(KB|MB|GB|TB|PB)$/;

function hugetlbAvailable(root = '/sys/fs/cgroup'): boolean {
  if (fs.existsSync(`${root}/hugetlb`)) return true;
  for (const f of [`${root}/cgroup.controllers`, `${root}/unified/cgroup.controllers`]) {
    try {
      if (fs.readFileSync(f, 'utf8').split(/\s+/).includes('hugetlb')) return true;
    } catch {
      // not this layout
    }
  }
  return false;
}

/** Merges the request's settings into `base` (a copy is returned); `what` names the RPC in errors. */
export function mergeResources(base: OciResources, r: LinuxContainerResources | undefined, what: string): OciResources {
  const out: OciResources = { ...base, cpu: { ...base.cpu }, memory: { ...base.memory } };
  if (!r) return out;
  const num = (v: bigint, field: string, min: bigint) => {
    if (v < min) throw invalidArgument(`${what}: ${field} ${v} is out of range`);
    return Number(v);
  };
  const cpu = out.cpu ?? {};
  const memory = out.memory ?? {};
  if (r.cpuPeriod !== 0n) cpu.period = num(r.cpuPeriod, 'cpu_period', 1000n);
  if (r.cpuQuota !== 0n) cpu.quota = r.cpuQuota < 0n ? -1 : num(r.cpuQuota, 'cpu_quota', 1000n);
  if (r.cpuShares !== 0n) cpu.shares = num(r.cpuShares, 'cpu_shares', 2n);
  if (r.cpusetCpus !== '') {
    if (!CPUSET.test(r.cpusetCpus)) throw invalidArgument(`${what}: cpuset_cpus ${JSON.stringify(r.cpusetCpus)} is not a CPU list`);
    cpu.cpus = r.cpusetCpus;
  }
  if (r.cpusetMems !== '') {
    if (!CPUSET.test(r.cpusetMems)) throw invalidArgument(`${what}: cpuset_mems ${JSON.stringify(r.cpusetMems)} is not a node list`);
    cpu.mems = r.cpusetMems;
  }
  if (r.memoryLimitInBytes !== 0n) memory.limit = num(r.memoryLimitInBytes, 'memory_limit_in_bytes', 4096n * 1024n);
  if (r.memorySwapLimitInBytes !== 0n) {
    const swap = r.memorySwapLimitInBytes < 0n ? -1 : num(r.memorySwapLimitInBytes, 'memory_swap_limit_in_bytes', 0n);
    if (swap !== -1 && memory.limit !== undefined && swap < memory.limit) throw invalidArgument(`${what}: memory_swap_limit_in_bytes ${swap} is below memory_limit_in_bytes ${memory.limit} (it counts memory plus swap)`);
    memory.swap = swap;
  }
  if (r.hugepageLimits.length) {
    if (!hugetlbAvailable()) throw new GrpcError(Code.UNIMPLEMENTED, `${what}: hugepage limits need the hugetlb cgroup controller, which this host does not have`);
    out.hugepageLimits = r.hugepageLimits.map((h) => {
      if (!PAGE_SIZE.test(h.pageSize)) throw invalidArgument(`${what}: hugepage page_size ${JSON.stringify(h.pageSize)} is not like 2MB or 1GB`);
      return { pageSize: h.pageSize, limit: Number(h.limit) };
    });
  }
  if (Object.keys(r.unified).length) {
    for (const k of Object.keys(r.unified)) if (!/^[a-z_]+\.[a-z0-9_.]+$/.test(k)) throw invalidArgument(`${what}: unified key ${JSON.stringify(k)} is not a cgroup v2 file name`);
    out.unified = { ...out.unified, ...r.unified };
  }
  out.cpu = cpu;
  out.memory = memory;
  return out;
}

/** What a running task's cgroup takes (devices stay as created). */
export function updatableResources(r: OciResources): Omit<OciResources, 'devices'> {
  const { devices: _devices, ...rest } = r;
  return rest;
}

export function checkOomScoreAdj(v: bigint, what: string): number | undefined {
  if (v === 0n) return undefined;
  if (v < -1000n || v > 1000n) throw invalidArgument(`${what}: oom_score_adj ${v} is outside -1000..1000`);
  return Number(v);
}
