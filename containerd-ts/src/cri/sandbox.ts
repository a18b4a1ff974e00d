// RuntimeService pod sandboxes: RunPodSandbox starts a pause container from the sandbox image that
// owns the pod's network, IPC and UTS namespaces (PID too unless the pod asks for the node's), gives
// it a network through CNI, and records it; Stop tears the network down (always) and kills the pause
// process; Remove deletes what Run made. Failures on the way undo every step already taken.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Code, GrpcError, type ServiceImpl } from '@stack/proto';
import { NamespaceMode, PodSandboxState, type PodSandboxConfig, type RuntimeService } from '@stack/proto/gen/runtime/v1/api_pb';
import { SPEC_TYPE_URL } from '../client/oci/spec.js';
import { alreadyExists, errorMessage, invalidArgument, isNotFound } from '../core/errdefs.js';
import type { ContainerStore } from '../core/metadata/containers.js';
import type { SnapshotStore } from '../core/metadata/snapshots.js';
import type { Logger } from '../core/log/logger.js';
import type { TaskRuntime } from '../core/tasks/task-runtime.js';
import { pull } from '../core/transfer/pull.js';
import { loadCniNetwork, type CniNetworkList } from './cni-config.js';
import { CniRunner, podIp, writeDefaultConf, type CniAttachment } from './cni.js';
import type { CriDeps } from './deps.js';
import { CRI_CTX, MANAGED_LABEL } from './images.js';
import { writeFileAtomic } from '../core/sys/atomic-file.js';
import { SandboxStore, type SandboxRecord } from './record-store.js';
import { checkSysctls, hostsFile, resolvConf, sandboxSpec } from './sandbox-spec.js';

type Impl = ServiceImpl<(typeof RuntimeService)['method']>;

export interface SandboxDeps {
  containers: ContainerStore;
  snapshots: SnapshotStore;
  snapshotter: string;
  runtime: TaskRuntime;
  store: SandboxStore;
  cni: CniRunner;
  /** Per-sandbox files (resolv.conf, hostname, hosts), under the daemon's state dir. */
  filesDir: string;
  log: Logger;
}

export const SANDBOX_KIND_LABEL = 'io.cri-containerd.kind';
const LOOPBACK: CniNetworkList = { file: '', name: 'cni-loopback', cniVersion: '1.0.0', types: ['loopback'], raw: { cniVersion: '1.0.0', name: 'cni-loopback', type: 'loopback' } };

function checkConfig(c: PodSandboxConfig | undefined): asserts c is PodSandboxConfig & { metadata: NonNullable<PodSandboxConfig['metadata']> } {
  if (!c) throw invalidArgument('RunPodSandbox: config must be set');
  const m = c.metadata;
  if (!m || !m.name || !m.namespace) throw invalidArgument('RunPodSandbox: config.metadata.name and config.metadata.namespace must be set');
  const sc = c.linux?.securityContext;
  if (sc?.namespaceOptions?.usernsOptions && sc.namespaceOptions.usernsOptions.mode !== NamespaceMode.NODE) {
    throw new GrpcError(Code.UNIMPLEMENTED, 'RunPodSandbox: user namespaces are not supported');
  }
  checkSysctls(c.linux?.sysctls ?? {}, { hostNetwork: sc?.namespaceOptions?.network === NamespaceMode.NODE, hostIpc: sc?.namespaceOptions?.ipc === NamespaceMode.NODE });
  if (c.hostname && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})$/.test(c.hostname)) throw invalidArgument(`RunPodSandbox: hostname ${JSON.stringify(c.hostname)} is not valid`);
  const parent = c.linux?.cgroupParent ?? '';
  if (parent && (!parent.startsWith('/') || parent.split('/').includes('..'))) throw invalidArgument(`RunPodSandbox: cgroup_parent ${JSON.stringify(parent)} must be an absolute cgroupfs path`);
}

function nsOptions(r: SandboxRecord, pidHost: boolean, ipcHost: boolean) {
  return { network: r.hostNetwork ? NamespaceMode.NODE : NamespaceMode.POD, pid: pidHost ? NamespaceMode.NODE : NamespaceMode.POD, ipc: ipcHost ? NamespaceMode.NODE : NamespaceMode.POD, targetId: '' };
}

/** Ready: started and its pause process alive (one that died makes the pod not ready; kubelet then recreates it). */
export function sandboxReady(rec: SandboxRecord): boolean {
  if (rec.state !== 'ready' || rec.pid === 0) return false;
  // The pid is the pause's only while that process is in the pod's cgroup (a pid may be reused after a
  // restart found the pause dead).
  try {
    return fs.readFileSync(`/proc/${rec.pid}/cgroup`, 'utf8').includes(rec.id);
  } catch {
    return false;
  }
}

/** What a sandbox needs of its containers: they stop and go with it. */
export interface PodContainers {
  ofSandbox(sandboxId: string): Array<{ id: string }>;
  stop(id: string, timeoutSec: number): Promise<void>;
  remove(id: string): Promise<void>;
}

export class Sandboxes {
  private containers: PodContainers | undefined;
  /** Lifecycle events (GetContainerEvents reports sandboxes as containers, as containerd does). */
  emit: (sandboxId: string, kind: 'created' | 'started' | 'stopped' | 'deleted') => void = () => undefined;

  constructor(
    private readonly deps: CriDeps,
    private readonly sb: SandboxDeps,
  ) {}

  attach(containers: PodContainers): void {
    this.containers = containers;
  }

  private attachment(r: SandboxRecord, ifName: string, ports: unknown[] = []): CniAttachment {
    return {
      id: ifName === 'lo' ? `${r.id}-lo` : r.id,
      netns: r.pid ? `/proc/${r.pid}/ns/net` : '',
      ifName,
      args: { K8S_POD_NAMESPACE: r.metadata.namespace, K8S_POD_NAME: r.metadata.name, K8S_POD_INFRA_CONTAINER_ID: r.id, K8S_POD_UID: r.metadata.uid },
      capabilities: { portMappings: ports },
    };
  }

  /** The pod network: the conf dir's network, the default bridge written first if there is none. */
  private network(): CniNetworkList {
    let loaded = loadCniNetwork(this.deps.config.cniConfDir, this.deps.config.cniBinDir);
    if (!('network' in loaded) && writeDefaultConf(this.deps.config.cniConfDir, { bridge: 'cni0', subnet: '10.88.0.0/16' })) {
      loaded = loadCniNetwork(this.deps.config.cniConfDir, this.deps.config.cniBinDir);
    }
    if (!('network' in loaded)) throw new GrpcError(Code.FAILED_PRECONDITION, `RunPodSandbox: no CNI network: ${loaded.error}`);
    return loaded.network;
  }

  private async sandboxImage() {
    const name = this.deps.config.sandboxImage;
    const have = await this.deps.images.find(name);
    if (have) return have;
    await pull(this.deps.transfer, CRI_CTX, { reference: name, unpack: true, labels: { [MANAGED_LABEL]: 'managed' } }, () => undefined);
    return this.deps.images.get(name);
  }

  async run(config: PodSandboxConfig | undefined, handler: string): Promise<string> {
    checkConfig(config);
    if (handler !== '') throw invalidArgument(`RunPodSandbox: runtime handler ${JSON.stringify(handler)} is not configured (only the default handler is)`);
    const m = config.metadata;
    const taken = this.sb.store.list().find((r) => r.metadata.name === m.name && r.metadata.namespace === m.namespace && r.metadata.uid === m.uid && r.metadata.attempt === m.attempt);
    if (taken) throw alreadyExists(`pod sandbox ${m.name}_${m.namespace}_${m.uid}_${m.attempt} (${taken.id})`);
    const ns = config.linux?.securityContext?.namespaceOptions;
    const hostNetwork = ns?.network === NamespaceMode.NODE;
    const hostPid = ns?.pid === NamespaceMode.NODE;
    const hostIpc = ns?.ipc === NamespaceMode.NODE;
    const id = randomBytes(32).toString('hex');
    const image = await this.sandboxImage();
    const parent = config.linux?.cgroupParent || '/k8s.io';
    const rec: SandboxRecord = {
      id,
      metadata: { name: m.name, uid: m.uid, namespace: m.namespace, attempt: m.attempt },
      createdAt: (BigInt(Date.now()) * 1_000_000n).toString(),
      labels: { ...config.labels },
      annotations: { ...config.annotations },
      hostname: config.hostname || (hostNetwork ? fs.readFileSync('/proc/sys/kernel/hostname', 'utf8').trim() : m.name.slice(0, 63)),
      logDirectory: config.logDirectory,
      cgroupsPath: `${parent.replace(/\/+$/, '')}/${id}`,
      cgroupParent: config.linux?.cgroupParent ?? '',
      privileged: config.linux?.securityContext?.privileged === true,
      hostIpc,
      hostNetwork,
      pid: 0,
      netns: '',
      ip: '',
      additionalIps: [],
      network: '',
      image: image.id,
      state: 'notready',
    };
    const undo: Array<() => Promise<void> | void> = [];
    try {
      const files = path.join(this.sb.filesDir, id);
      fs.mkdirSync(files, { recursive: true, mode: 0o711 });
      undo.push(() => fs.rmSync(files, { recursive: true, force: true }));
      const f = { resolvConf: path.join(files, 'resolv.conf'), hostname: path.join(files, 'hostname'), hosts: path.join(files, 'hosts') };
      writeFileAtomic(f.resolvConf, resolvConf(config.dnsConfig), 0o644);
      writeFileAtomic(f.hostname, `${rec.hostname}\n`, 0o644);
      writeFileAtomic(f.hosts, hostsFile(rec.hostname, ''), 0o644);
      const spec = sandboxSpec({ id, image: image.config, hostname: rec.hostname, cgroupsPath: rec.cgroupsPath, hostNetwork, hostPid, hostIpc, files: f, sysctls: { ...config.linux?.sysctls }, privileged: config.linux?.securityContext?.privileged === true });

      const mounts = await this.sb.snapshots.prepare(CRI_CTX, id, image.chainId ?? '', {});
      undo.push(() => this.sb.snapshots.remove(CRI_CTX, id));
      this.sb.containers.create(CRI_CTX, {
        id,
        labels: { [SANDBOX_KIND_LABEL]: 'sandbox' },
        image: image.repoTags[0] ?? image.id,
        runtime: { name: 'io.containerd.runc.v2' },
        spec: { typeUrl: SPEC_TYPE_URL, value: Buffer.from(JSON.stringify(spec)) },
        snapshotter: this.sb.snapshotter,
        snapshotKey: id,
        extensions: {},
        sandbox: id,
      });
      undo.push(() => this.sb.containers.delete(CRI_CTX, id));
      rec.pid = await this.sb.runtime.create(CRI_CTX, { id, rootfs: mounts.map((x) => ({ type: x.type, source: x.source, options: x.options })), stdin: '', stdout: '', stderr: '', terminal: false });
      undo.push(() => this.killTask(id));
      await (await this.sb.runtime.taskShim(CRI_CTX, id)).task.start({ id });
      this.sb.store.put(rec);
      undo.push(() => this.sb.store.remove(id));

      if (!hostNetwork) {
        rec.netns = `/proc/${rec.pid}/ns/net`;
        const net = this.network();
        rec.network = net.name;
        this.sb.store.put(rec);
        await this.sb.cni.add(LOOPBACK, this.attachment(rec, 'lo'));
        undo.push(() => this.sb.cni.del(LOOPBACK, this.attachment(rec, 'lo')));
        const ports = (config.portMappings ?? []).map((p) => ({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: ['tcp', 'udp', 'sctp'][p.protocol] ?? 'tcp', hostIP: p.hostIp }));
        const res = await this.sb.cni.add(net, this.attachment(rec, 'eth0', ports));
        undo.push(() => this.sb.cni.del(net, this.attachment(rec, 'eth0')));
        rec.ip = podIp(res) ?? '';
        rec.additionalIps = (res.ips ?? []).map((x) => x.address.split('/')[0] as string).filter((x) => x !== rec.ip);
        // In place, not by rename: the pause container's bind mount holds this inode.
        fs.writeFileSync(f.hosts, hostsFile(rec.hostname, rec.ip));
      }
      rec.state = 'ready';
      this.sb.store.put(rec);
      this.emit(id, 'created');
      this.emit(id, 'started');
      return id;
    } catch (err) {
      for (const u of undo.reverse()) {
        try {
          await u();
        } catch (e) {
          this.sb.log.warn('undoing a failed RunPodSandbox', { sandbox: id, error: errorMessage(e) });
        }
      }
      throw err;
    }
  }

  /** SIGKILL the task's processes, wait for the exit, delete the task; a task already gone is fine. */
  private async killTask(id: string): Promise<void> {
    let shim;
    try {
      shim = await this.sb.runtime.taskShim(CRI_CTX, id);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    await shim.task.kill({ id, signal: 9, all: true }).catch(() => undefined);
    await shim.task.wait({ id }).catch(() => undefined);
    await this.sb.runtime.delete(CRI_CTX, id).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  async stop(idOrPrefix: string): Promise<void> {
    const rec = this.sb.store.get(idOrPrefix);
    // The pod's containers are killed first (kubelet has normally stopped them already).
    for (const c of this.containers?.ofSandbox(rec.id) ?? []) await this.containers?.stop(c.id, 0);
    // The network goes first, while the netns still exists; teardown runs even when it fails.
    let netErr: unknown;
    if (!rec.hostNetwork && rec.network) {
      const loaded = loadCniNetwork(this.deps.config.cniConfDir, this.deps.config.cniBinDir);
      const alive = rec.pid !== 0 && fs.existsSync(`/proc/${rec.pid}/ns/net`);
      const r = alive ? rec : { ...rec, pid: 0 };
      try {
        if ('network' in loaded && loaded.network.name === rec.network) await this.sb.cni.del(loaded.network, this.attachment(r, 'eth0'));
        else if (this.sb.cni.cached(rec.id)) throw new Error(`network ${rec.network} is no longer in ${this.deps.config.cniConfDir}`);
      } catch (err) {
        netErr = err;
      }
      await this.sb.cni.del(LOOPBACK, this.attachment(r, 'lo')).catch(() => undefined);
    }
    await this.killTask(rec.id);
    if (netErr !== undefined) {
      this.sb.store.put({ ...rec, pid: 0, state: 'notready' });
      throw new GrpcError(Code.UNKNOWN, `StopPodSandbox ${rec.id}: tearing down the pod network failed: ${errorMessage(netErr)}`);
    }
    this.sb.store.put({ ...rec, pid: 0, network: '', state: 'notready' });
    if (rec.state === 'ready') this.emit(rec.id, 'stopped');
  }

  async remove(idOrPrefix: string): Promise<void> {
    const rec = this.sb.store.find(idOrPrefix);
    if (!rec) return;
    await this.stop(rec.id);
    for (const c of this.containers?.ofSandbox(rec.id) ?? []) await this.containers?.remove(c.id);
    try {
      this.sb.containers.delete(CRI_CTX, rec.id);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      await this.sb.snapshots.remove(CRI_CTX, rec.id);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    fs.rmSync(path.join(this.sb.filesDir, rec.id), { recursive: true, force: true });
    this.sb.store.remove(rec.id);
    this.emit(rec.id, 'deleted');
  }

  status(rec: SandboxRecord, verbose: boolean) {
    const state = sandboxReady(rec) ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY;
    const info: Record<string, string> = {};
    if (verbose) info['info'] = JSON.stringify({ pid: rec.pid, image: rec.image, netns: rec.netns, network: rec.network, cgroupsPath: rec.cgroupsPath, hostname: rec.hostname });
    return {
      status: {
        id: rec.id,
        metadata: rec.metadata,
        state,
        createdAt: BigInt(rec.createdAt),
        network: { ip: rec.ip, additionalIps: rec.additionalIps.map((ip) => ({ ip })) },
        linux: { namespaces: { options: nsOptions(rec, false, false) } },
        labels: rec.labels,
        annotations: rec.annotations,
        runtimeHandler: '',
      },
      info,
      containersStatuses: [],
      timestamp: BigInt(Date.now()) * 1_000_000n,
    };
  }
}

export function sandboxService(s: Sandboxes, store: SandboxStore): Impl {
  return {
    async runPodSandbox(req) {
      return { podSandboxId: await s.run(req.config, req.runtimeHandler) };
    },
    async stopPodSandbox(req) {
      await s.stop(req.podSandboxId);
      return {};
    },
    async removePodSandbox(req) {
      await s.remove(req.podSandboxId);
      return {};
    },
    podSandboxStatus(req) {
      return s.status(store.get(req.podSandboxId), req.verbose);
    },
    listPodSandbox(req) {
      const f = req.filter;
      const items = store
        .list()
        .filter((r) => !f?.id || r.id.startsWith(f.id))
        .filter((r) => Object.entries(f?.labelSelector ?? {}).every(([k, v]) => r.labels[k] === v))
        .map((r) => {
          const st = s.status(r, false).status;
          return { id: r.id, metadata: r.metadata, state: st.state, createdAt: st.createdAt, labels: r.labels, annotations: r.annotations, runtimeHandler: '' };
        })
        .filter((x) => !f?.state || x.state === f.state.state);
      return { items };
    },
  };
}
