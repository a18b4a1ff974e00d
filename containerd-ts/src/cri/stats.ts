// RuntimeService statistics: ContainerStats / ListContainerStats from each running container's task
// (its shim reads the cgroup, as containerd's task Metrics do) plus the writable layer's usage from
// the snapshotter; PodSandboxStats / ListPodSandboxStats from the pod's cgroup parent read directly
// (v1, v2 or hybrid), the pod network namespace's interface counters, and the pod's containers.
import { fromBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { Code, GrpcError, type ServiceImpl } from '@stack/proto';
import { MetricsSchema as V1MetricsSchema } from '@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb';
import type { ContainerStatsSchema, NetworkUsageSchema, PodSandboxStatsSchema, RuntimeService } from '@stack/proto/gen/runtime/v1/api_pb';
import { cgroupStatsAt } from '@stack/runc-ts/cgroup-stats';
import { errorMessage, failedPrecondition, isNotFound } from '../core/errdefs.js';
import { CpuSampler, memoryUsage, sumUsage, usageFromCgroupStats, usageFromMetrics, type CgroupUsage } from './cgroup-usage.js';
import type { ContainerRecord, ContainerStoreCri } from './container.js';
import { nowNanos, type CriDeps } from './deps.js';
import { CRI_CTX } from './images.js';
import { netDevOf, type InterfaceCounters } from './net-dev.js';
import type { SandboxRecord } from './record-store.js';
import { sandboxReady, type SandboxDeps } from './sandbox.js';

type Impl = ServiceImpl<(typeof RuntimeService)['method']>;
type ContainerStatsInit = MessageInitShape<typeof ContainerStatsSchema>;
type PodSandboxStatsInit = MessageInitShape<typeof PodSandboxStatsSchema>;

const u64 = (value: bigint) => ({ value });
const labelsMatch = (labels: Record<string, string>, sel: Record<string, string> | undefined) => Object.entries(sel ?? {}).every(([k, v]) => labels[k] === v);

/** The interface CNI gives a pod (containerd's defaultIfName). */
const POD_IF = 'eth0';

export class CriStats {
  private readonly sampler = new CpuSampler();

  constructor(
    private readonly deps: CriDeps,
    private readonly sb: SandboxDeps,
    private readonly store: ContainerStoreCri,
  ) {}

  /** A task's cgroup usage from its shim; undefined when it has no task (any more). */
  private async taskUsage(id: string): Promise<CgroupUsage | undefined> {
    let shim;
    try {
      shim = await this.sb.runtime.taskShim(CRI_CTX, id);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    try {
      const r = await shim.task.stats({ id });
      return r.stats ? usageFromMetrics(fromBinary(V1MetricsSchema, r.stats.value)) : undefined;
    } catch (err) {
      // Gone between the look-up and the call (it exited and was deleted).
      if (isNotFound(err) || (err as { code?: number }).code === Code.FAILED_PRECONDITION) return undefined;
      throw new GrpcError(Code.UNKNOWN, `statistics of container ${id}: ${errorMessage(err)}`);
    }
  }

  private async writableLayer(id: string, timestamp: bigint) {
    try {
      const u = await this.sb.snapshots.usage(CRI_CTX, id);
      return { timestamp, fsId: { mountpoint: this.deps.imageFsDir }, usedBytes: u64(BigInt(u.size)), inodesUsed: u64(BigInt(u.inodes)) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * A container's statistics: CPU and memory while it runs (a created or exited container has no
   * cgroup to read), the writable layer always.
   */
  async container(rec: ContainerRecord): Promise<{ stats: ContainerStatsInit; usage: CgroupUsage | undefined }> {
    const ts = nowNanos();
    const usage = rec.state === 'running' ? await this.taskUsage(rec.id) : undefined;
    const layer = await this.writableLayer(rec.id, ts);
    return {
      usage,
      stats: {
        attributes: { id: rec.id, metadata: rec.metadata, labels: rec.labels, annotations: rec.annotations },
        ...(usage ? { cpu: this.sampler.cpuUsage(rec.id, usage, ts), memory: memoryUsage(usage, ts) } : {}),
        ...(layer ? { writableLayer: layer } : {}),
      },
    };
  }

  listContainers(filter: { id: string; podSandboxId: string; labelSelector: Record<string, string> } | undefined): Promise<ContainerStatsInit[]> {
    const recs = this.store
      .list()
      .filter((r) => !filter?.id || r.id.startsWith(filter.id))
      .filter((r) => !filter?.podSandboxId || r.sandboxId.startsWith(filter.podSandboxId))
      .filter((r) => labelsMatch(r.labels, filter?.labelSelector));
    this.forgetRemoved();
    return Promise.all(recs.map(async (r) => (await this.container(r)).stats));
  }

  /**
   * A ready pod's statistics. CPU and memory are its cgroup parent's (kubelet's pod cgroup, which
   * holds the pause and every container); a pod that gave no cgroup parent shares the default one
   * with other pods, so its members' cgroups are summed instead.
   */
  async pod(s: SandboxRecord): Promise<PodSandboxStatsInit> {
    if (!sandboxReady(s)) throw new GrpcError(Code.UNAVAILABLE, `pod sandbox ${s.id} is not ready: no statistics`);
    const ts = nowNanos();
    const members = await Promise.all(this.store.list().filter((c) => c.sandboxId === s.id).map((c) => this.container(c)));
    let usage: CgroupUsage;
    if (s.cgroupParent) {
      const st = cgroupStatsAt(s.cgroupParent);
      if (!st) throw failedPrecondition(`pod sandbox ${s.id}: its cgroup ${s.cgroupParent} does not exist`);
      usage = usageFromCgroupStats(st);
    } else {
      const pause = await this.taskUsage(s.id);
      usage = sumUsage([...(pause ? [pause] : []), ...members.flatMap((m) => (m.usage ? [m.usage] : []))]);
    }
    let network: MessageInitShape<typeof NetworkUsageSchema> | undefined;
    if (!s.hostNetwork && s.pid) {
      let ifs: InterfaceCounters[];
      try {
        ifs = netDevOf(s.pid);
      } catch (err) {
        throw new GrpcError(Code.UNAVAILABLE, `pod sandbox ${s.id}: reading its network namespace: ${errorMessage(err)}`);
      }
      const one = (i: InterfaceCounters) => ({ name: i.name, rxBytes: u64(i.rxBytes), rxErrors: u64(i.rxErrors), txBytes: u64(i.txBytes), txErrors: u64(i.txErrors) });
      const def = ifs.find((i) => i.name === POD_IF);
      network = { timestamp: ts, ...(def ? { defaultInterface: one(def) } : {}), interfaces: ifs.filter((i) => i.name !== 'lo').map(one) };
    }
    // As containerd: the pod's process count is its containers' (the pause process is not counted).
    const processCount = members.reduce((n, m) => n + (m.usage?.pids ?? 0n), 0n);
    return {
      attributes: { id: s.id, metadata: s.metadata, labels: s.labels, annotations: s.annotations },
      linux: {
        cpu: this.sampler.cpuUsage(`pod:${s.id}`, usage, ts),
        memory: memoryUsage(usage, ts),
        ...(network ? { network } : {}),
        process: { timestamp: ts, processCount: u64(processCount) },
        containers: members.map((m) => m.stats),
      },
    };
  }

  async listPods(filter: { id: string; labelSelector: Record<string, string> } | undefined): Promise<PodSandboxStatsInit[]> {
    const pods = this.sb.store
      .list()
      .filter((r) => !filter?.id || r.id.startsWith(filter.id))
      .filter((r) => labelsMatch(r.labels, filter?.labelSelector))
      .filter(sandboxReady);
    this.forgetRemoved();
    const out: PodSandboxStatsInit[] = [];
    for (const p of pods) {
      try {
        out.push(await this.pod(p));
      } catch (err) {
        // A pod that stopped meanwhile is left out, as containerd leaves out unavailable ones.
        if ((err as { code?: number }).code !== Code.UNAVAILABLE) throw err;
      }
    }
    return out;
  }

  private forgetRemoved(): void {
    this.sampler.retain(new Set([...this.store.list().map((c) => c.id), ...this.sb.store.list().map((s) => `pod:${s.id}`)]));
  }
}

export function statsService(st: CriStats, containers: ContainerStoreCri, sandboxes: SandboxDeps['store']): Impl {
  return {
    async containerStats(req) {
      return { stats: (await st.container(containers.get(req.containerId))).stats };
    },
    async listContainerStats(req) {
      return { stats: await st.listContainers(req.filter) };
    },
    async podSandboxStats(req) {
      return { stats: await st.pod(sandboxes.get(req.podSandboxId)) };
    },
    async listPodSandboxStats(req) {
      return { stats: await st.listPods(req.filter) };
    },
  };
}
