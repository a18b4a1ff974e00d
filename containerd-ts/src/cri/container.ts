// RuntimeService containers of a pod: CreateContainer records the container (OCI spec joining the
// pause container's network, IPC and UTS namespaces, and its PID namespace when the pod shares it) on
// a snapshot of its image; StartContainer creates and starts the task with its output piped into the
// CRI log; StopContainer signals, waits `timeout` seconds, then SIGKILLs; RemoveContainer deletes
// what Create made (absent is success); ExecSync runs a command to its end in the container.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Code, GrpcError, type ServiceImpl } from '@stack/proto';
import { ContainerState, MountPropagation, NamespaceMode, type ContainerConfig, type LinuxContainerResources, type RuntimeService } from '@stack/proto/gen/runtime/v1/api_pb';
import { defaultSpec, DEFAULT_PATH_ENV } from '../client/oci/default-spec.js';
import { mergeEnv } from '../client/oci/spec-opts.js';
import { PROCESS_TYPE_URL, SPEC_TYPE_URL, type OciMount, type OciSpec } from '../client/oci/spec.js';
import { alreadyExists, errorMessage, failedPrecondition, invalidArgument, isNotFound } from '../core/errdefs.js';
import { collectFifos, makeFifos, S_IFIFO_MODE } from './fifo.js';
import { mknod } from '../core/sys/linux.js';
import { Status as TaskStatus } from '@stack/proto/gen/containerd/types/task/task_pb';
import { pumpLogs, type LogPump, type OutputListener } from './cri-log.js';
import type { CriEventKind } from './container-events.js';
import { applySecurityContext } from './security-context.js';
import { checkOomScoreAdj, mergeResources, RESOURCES_TYPE_URL, updatableResources } from './resources.js';
import type { CriDeps } from './deps.js';
import { CRI_CTX } from './images.js';
import type { RecordStore, SandboxRecord } from './record-store.js';
import type { SandboxDeps } from './sandbox.js';

type Impl = ServiceImpl<(typeof RuntimeService)['method']>;

export interface ContainerRecord {
  id: string;
  sandboxId: string;
  metadata: { name: string; attempt: number };
  image: string;
  imageId: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  logPath: string;
  /** Unix nanoseconds as decimal strings; '0' when not yet. */
  createdAt: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  state: 'created' | 'running' | 'exited';
  reason: string;
  mounts: Array<{ containerPath: string; hostPath: string; readonly: boolean; propagation: number }>;
  pid: number;
  /** The process has a stdin (Attach writes it); once: closed when the first attach ends. */
  stdin?: boolean;
  stdinOnce?: boolean;
  /** The process runs on a terminal (its output is all stdout). */
  tty?: boolean;
}

/** What Attach needs of a running container. */
export interface AttachTarget {
  tty: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  subscribe(listener: OutputListener): () => void;
  writeStdin(data: Buffer): void;
  closeStdin(): Promise<void>;
  resize(width: number, height: number): Promise<void>;
  /** The exit status once the container has exited. */
  exited: Promise<number>;
}

export type ContainerStoreCri = RecordStore<ContainerRecord>;

/** The exit code of a container whose exit was not seen (containerd's unknownExitCode). */
const UNKNOWN_EXIT_CODE = 255;

/** How long the output of a container followed again after a restart may drain after its exit. */
const RECOVERED_DRAIN_MS = 2000;

const nowNs = () => (BigInt(Date.now()) * 1_000_000n).toString();
const PROPAGATION: Record<number, string> = { [MountPropagation.PROPAGATION_PRIVATE]: 'rprivate', [MountPropagation.PROPAGATION_HOST_TO_CONTAINER]: 'rslave', [MountPropagation.PROPAGATION_BIDIRECTIONAL]: 'rshared' };

/** Refuses the settings this phase cannot honour, by name, instead of ignoring them. */
function refuseUnsupported(c: ContainerConfig): void {
  const sc = c.linux?.securityContext;
  const no = (what: string) => {
    throw new GrpcError(Code.UNIMPLEMENTED, `CreateContainer: ${what} is not supported yet`);
  };
  if (c.devices.length) no('devices');
  if (c.CDIDevices.length) no('CDI devices');
  if (sc?.namespaceOptions?.network === NamespaceMode.NODE || sc?.namespaceOptions?.ipc === NamespaceMode.NODE) no('node network/IPC namespaces per container (set them on the pod)');
  if (sc?.namespaceOptions?.pid === NamespaceMode.TARGET) no('a target PID namespace');
}

/** The container's OCI spec as recorded in its containerd container. */
export function specOf(sb: SandboxDeps, id: string): OciSpec {
  return JSON.parse(Buffer.from(sb.containers.get(CRI_CTX, id).spec?.value ?? '{}').toString('utf8')) as OciSpec;
}

/** Lifecycle events of containers and sandboxes, for GetContainerEvents. */
export type EmitEvent = (containerId: string, sandboxId: string, kind: CriEventKind) => void;

export class Containers {
  /** Log pumps of running containers, for ReopenContainerLog. */
  private readonly pumps = new Map<string, LogPump>();
  /** Containers whose exit a watcher waits for. */
  private readonly watching = new Set<string>();
  /** Stdin FIFO writers of running containers that have a stdin. */
  private readonly stdins = new Map<string, net.Socket>();
  /** Exit statuses, resolved by the watcher (Attach waits on them). */
  private readonly exits = new Map<string, { promise: Promise<number>; resolve: (code: number) => void }>();
  emit: EmitEvent = () => undefined;

  constructor(
    private readonly deps: CriDeps,
    private readonly sb: SandboxDeps,
    private readonly store: ContainerStoreCri,
    private readonly fifoDir: string,
  ) {}

  ofSandbox(sandboxId: string): ContainerRecord[] {
    return this.store.list().filter((c) => c.sandboxId === sandboxId);
  }

  private sandbox(id: string): SandboxRecord {
    const s = this.sb.store.get(id);
    if (s.state !== 'ready' || !s.pid) throw failedPrecondition(`pod sandbox ${s.id} is not ready`);
    return s;
  }

  async create(sandboxId: string, c: ContainerConfig | undefined): Promise<string> {
    if (!c) throw invalidArgument('CreateContainer: config must be set');
    if (!c.metadata?.name) throw invalidArgument('CreateContainer: config.metadata.name must be set');
    if (!c.image?.image) throw invalidArgument('CreateContainer: config.image.image must be set');
    refuseUnsupported(c);
    const s = this.sandbox(sandboxId);
    const name = c.metadata.name;
    const dup = this.ofSandbox(s.id).find((x) => x.metadata.name === name && x.metadata.attempt === c.metadata?.attempt);
    if (dup) throw alreadyExists(`container ${name} attempt ${c.metadata.attempt} in pod sandbox ${s.id} (${dup.id})`);
    const image = await this.deps.images.get(c.image.image);
    const id = randomBytes(32).toString('hex');
    const cfg = (image.config.config ?? {}) as { Entrypoint?: string[]; Cmd?: string[]; Env?: string[]; WorkingDir?: string; User?: string };

    const spec: OciSpec = defaultSpec('k8s.io', id);
    // Kubernetes' rule: command replaces the entrypoint, args replace the image's Cmd.
    const args = c.command.length ? [...c.command, ...c.args] : [...(cfg.Entrypoint ?? []), ...(c.args.length ? c.args : (cfg.Cmd ?? []))];
    if (args.length === 0) throw invalidArgument(`CreateContainer: no command: neither the config nor image ${c.image.image} gives one`);
    spec.process.args = args;
    spec.process.env = mergeEnv(cfg.Env?.length ? cfg.Env : [DEFAULT_PATH_ENV], c.envs.map((e) => `${e.key}=${Buffer.from(e.value).toString('utf8')}`));
    spec.process.cwd = c.workingDir || cfg.WorkingDir || '/';
    const sc = c.linux?.securityContext;
    if (sc?.readonlyRootfs) spec.root.readonly = true;
    if (c.tty) spec.process.terminal = true;
    spec.linux.resources = mergeResources(spec.linux.resources, c.linux?.resources, 'CreateContainer');
    const oom = checkOomScoreAdj(c.linux?.resources?.oomScoreAdj ?? 0n, 'CreateContainer');
    if (oom !== undefined) spec.process.oomScoreAdj = oom;
    if (!s.hostNetwork) spec.hostname = s.hostname;
    spec.linux.cgroupsPath = `${path.dirname(s.cgroupsPath)}/${id}`;
    // As containerd: unset means POD (the proto's zero), so only CONTAINER gets a PID namespace of its own.
    const pidMode = sc?.namespaceOptions?.pid ?? NamespaceMode.POD;
    const sharedPid = pidMode === NamespaceMode.POD;
    const hostPid = pidMode === NamespaceMode.NODE;
    spec.linux.namespaces = [
      { type: 'mount' },
      ...(hostPid ? [] : [sharedPid ? { type: 'pid', path: `/proc/${s.pid}/ns/pid` } : { type: 'pid' }]),
      { type: 'ipc', path: `/proc/${s.pid}/ns/ipc` },
      ...(s.hostNetwork ? [] : [{ type: 'uts', path: `/proc/${s.pid}/ns/uts` }, { type: 'network', path: `/proc/${s.pid}/ns/net` }]),
    ];
    const files = path.join(this.sb.filesDir, s.id);
    const mounts: OciMount[] = [
      { destination: '/etc/resolv.conf', type: 'bind', source: path.join(files, 'resolv.conf'), options: ['rbind', 'ro'] },
      { destination: '/etc/hostname', type: 'bind', source: path.join(files, 'hostname'), options: ['rbind', 'ro'] },
      { destination: '/etc/hosts', type: 'bind', source: path.join(files, 'hosts'), options: ['rbind', 'ro'] },
    ];
    for (const m of c.mounts) {
      if (!path.isAbsolute(m.containerPath) || !path.isAbsolute(m.hostPath)) throw invalidArgument(`CreateContainer: mount ${JSON.stringify(m.hostPath)} -> ${JSON.stringify(m.containerPath)}: both paths must be absolute`);
      if (!fs.existsSync(m.hostPath)) throw invalidArgument(`CreateContainer: mount source ${m.hostPath} does not exist`);
      if (m.selinuxRelabel || m.uidMappings.length || m.gidMappings.length || m.recursiveReadOnly || m.image) throw new GrpcError(Code.UNIMPLEMENTED, `CreateContainer: mount ${m.containerPath}: SELinux relabel, ID mappings, recursive read-only and image mounts are not supported yet`);
      mounts.push({ destination: m.containerPath, type: 'bind', source: m.hostPath, options: ['rbind', m.readonly ? 'ro' : 'rw', PROPAGATION[m.propagation] ?? 'rprivate'] });
    }
    spec.mounts = [...spec.mounts.filter((x) => !mounts.some((y) => y.destination === x.destination)), ...mounts];

    const logPath = s.logDirectory && c.logPath ? path.join(s.logDirectory, c.logPath) : '';
    if (logPath && !logPath.startsWith(path.resolve(s.logDirectory) + path.sep)) throw invalidArgument(`CreateContainer: log_path ${JSON.stringify(c.logPath)} leaves the pod's log directory`);
    const undo: Array<() => Promise<void> | void> = [];
    try {
      await this.sb.snapshots.prepare(CRI_CTX, id, image.chainId ?? '', {});
      undo.push(() => this.sb.snapshots.remove(CRI_CTX, id));
      const layers = this.sb.snapshots.upperDir(CRI_CTX, id);
      applySecurityContext(spec, { sc, podPrivileged: s.privileged === true, layers: [layers.dir, ...layers.lowers], imageUser: cfg.User ?? '' });
      this.sb.containers.create(CRI_CTX, {
        id,
        labels: { 'io.cri-containerd.kind': 'container' },
        image: image.repoTags[0] ?? image.id,
        runtime: { name: 'io.containerd.runc.v2' },
        spec: { typeUrl: SPEC_TYPE_URL, value: Buffer.from(JSON.stringify(spec)) },
        snapshotter: this.sb.snapshotter,
        snapshotKey: id,
        extensions: {},
        sandbox: s.id,
      });
      undo.push(() => this.sb.containers.delete(CRI_CTX, id));
      this.store.put({
        id,
        sandboxId: s.id,
        metadata: { name, attempt: c.metadata.attempt },
        image: c.image.image,
        imageId: image.id,
        labels: { ...c.labels },
        annotations: { ...c.annotations },
        logPath,
        createdAt: nowNs(),
        startedAt: '0',
        finishedAt: '0',
        exitCode: 0,
        state: 'created',
        reason: '',
        mounts: c.mounts.map((m) => ({ containerPath: m.containerPath, hostPath: m.hostPath, readonly: m.readonly, propagation: m.propagation })),
        pid: 0,
        stdin: c.stdin,
        stdinOnce: c.stdinOnce,
        tty: c.tty,
      });
      this.emit(id, s.id, 'created');
      return id;
    } catch (err) {
      for (const u of undo.reverse()) await Promise.resolve(u()).catch(() => undefined);
      throw err;
    }
  }

  async start(idOrPrefix: string): Promise<void> {
    const rec = this.store.get(idOrPrefix);
    if (rec.state !== 'created') throw failedPrecondition(`container ${rec.id} is ${rec.state}, not created`);
    this.sandbox(rec.sandboxId);
    const mounts = this.sb.snapshots.mounts(CRI_CTX, rec.id);
    const fifos = makeFifos(path.join(this.fifoDir, rec.id), 'init');
    const stdinFifo = path.join(this.fifoDir, rec.id, 'init-stdin');
    if (rec.stdin) mknod(stdinFifo, S_IFIFO_MODE, 0, 0);
    if (rec.logPath) fs.mkdirSync(path.dirname(rec.logPath), { recursive: true, mode: 0o755 });
    let logs: LogPump;
    try {
      rec.pid = await this.sb.runtime.create(CRI_CTX, { id: rec.id, rootfs: mounts.map((m) => ({ type: m.type, source: m.source, options: m.options })), stdin: rec.stdin ? stdinFifo : '', stdout: fifos.stdout, stderr: rec.tty ? '' : fifos.stderr, terminal: rec.tty === true });
      // The shim holds the FIFOs open from Create on: nothing written before this is lost.
      logs = pumpLogs({ stdout: fifos.stdout, stderr: rec.tty ? undefined : fifos.stderr }, rec.logPath || undefined);
      if (rec.stdin) this.openStdin(rec.id, stdinFifo);
      await (await this.sb.runtime.taskShim(CRI_CTX, rec.id)).task.start({ id: rec.id });
    } catch (err) {
      this.stdins.get(rec.id)?.destroy();
      this.stdins.delete(rec.id);
      await this.deleteTask(rec.id);
      this.store.put({ ...rec, state: 'exited', finishedAt: nowNs(), exitCode: 128, reason: 'StartError', pid: 0 });
      throw new GrpcError(Code.UNKNOWN, `StartContainer ${rec.id}: ${errorMessage(err)}`);
    }
    this.store.put({ ...rec, state: 'running', startedAt: nowNs() });
    this.emit(rec.id, rec.sandboxId, 'started');
    this.pumps.set(rec.id, logs);
    void this.watch(rec.id, logs);
  }

  /**
   * After a daemon restart: running containers get their log pump and exit watch back (the shim held
   * their FIFOs meanwhile, so output written while the daemon was away is still there); one whose task
   * is gone (its shim died too) is recorded exited with an unknown status, as containerd does.
   */
  async recover(): Promise<void> {
    for (const rec of this.store.list()) {
      if (rec.state !== 'running' || this.pumps.has(rec.id)) continue;
      let status: TaskStatus;
      try {
        status = (await (await this.sb.runtime.taskShim(CRI_CTX, rec.id)).task.state({ id: rec.id })).status;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        this.store.put({ ...rec, state: 'exited', exitCode: UNKNOWN_EXIT_CODE, finishedAt: nowNs(), reason: 'Unknown', pid: 0 });
        continue;
      }
      const dir = path.join(this.fifoDir, rec.id);
      const fifos = { stdout: path.join(dir, 'init-stdout'), stderr: rec.tty ? undefined : path.join(dir, 'init-stderr') };
      // An exited task's shim has closed the FIFOs (what was in them went with them): nothing to read.
      let pump: LogPump = { done: Promise.resolve(), reopen: () => undefined, abandon: () => undefined, subscribe: () => () => undefined };
      if (status !== TaskStatus.STOPPED) {
        try {
          pump = pumpLogs(fifos, rec.logPath || undefined);
          if (rec.stdin) this.openStdin(rec.id, path.join(dir, 'init-stdin'));
        } catch (err) {
          this.sb.log.warn('cri: the output of a running container cannot be followed after the restart', { container: rec.id, error: errorMessage(err) });
        }
      }
      this.pumps.set(rec.id, pump);
      void this.watch(rec.id, pump, true);
      this.sb.log.info('cri: following a running container again', { container: rec.id });
    }
  }

  /** Holds the container's stdin FIFO open for writing (read-write: the open never waits for the shim). */
  private openStdin(id: string, fifo: string): void {
    const w = new net.Socket({ fd: fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK), readable: false, writable: true });
    w.on('error', () => undefined);
    this.stdins.set(id, w);
  }

  /** A running container's streams for Attach. */
  attachTarget(id: string): AttachTarget {
    const rec = this.store.get(id);
    const pump = this.pumps.get(rec.id);
    const exit = this.exits.get(rec.id);
    if (rec.state !== 'running' || !pump || !exit) throw failedPrecondition(`Attach: container ${rec.id} is not running`);
    return {
      tty: rec.tty === true,
      stdin: rec.stdin === true,
      stdinOnce: rec.stdinOnce === true,
      subscribe: (l) => pump.subscribe(l),
      writeStdin: (data) => void this.stdins.get(rec.id)?.write(data),
      closeStdin: async () => {
        const shim = await this.sb.runtime.taskShim(CRI_CTX, rec.id);
        await shim.task.closeIO({ id: rec.id, execId: '', stdin: true }).catch(() => undefined);
      },
      resize: async (width, height) => {
        if (!rec.tty) return;
        const shim = await this.sb.runtime.taskShim(CRI_CTX, rec.id);
        await shim.task.resizePty({ id: rec.id, execId: '', width, height }).catch(() => undefined);
      },
      exited: exit.promise,
    };
  }

  /** Records the exit once the task ends (and its output is in the log), then deletes the task. */
  private async watch(id: string, logs: LogPump, recovered = false): Promise<void> {
    this.watching.add(id);
    let resolveExit: (code: number) => void = () => undefined;
    const promise = new Promise<number>((r) => (resolveExit = r));
    this.exits.set(id, { promise, resolve: resolveExit });
    try {
      const shim = await this.sb.runtime.taskShim(CRI_CTX, id);
      const w = await shim.task.wait({ id });
      if (recovered) {
        // A FIFO the shim closed before this daemon opened it never reports its end: after the
        // exit, output gets a moment to drain, then reading stops.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([logs.done, new Promise((r) => (timer = setTimeout(r, RECOVERED_DRAIN_MS)))]);
        clearTimeout(timer);
        logs.abandon();
      }
      await logs.done;
      this.pumps.delete(id);
      this.stdins.get(id)?.destroy();
      this.stdins.delete(id);
      resolveExit(w.exitStatus);
      const cur = this.store.find(id);
      if (cur) {
        this.store.put({ ...cur, state: 'exited', exitCode: w.exitStatus, finishedAt: nowNs(), reason: w.exitStatus === 0 ? 'Completed' : 'Error', pid: 0 });
        this.emit(id, cur.sandboxId, 'stopped');
      }
      await this.deleteTask(id);
    } catch (err) {
      this.sb.log.warn('cri: lost track of a container', { container: id, error: errorMessage(err) });
    } finally {
      this.watching.delete(id);
      this.exits.delete(id);
      resolveExit(UNKNOWN_EXIT_CODE);
    }
  }

  private async deleteTask(id: string): Promise<void> {
    await this.sb.runtime.delete(CRI_CTX, id).catch((err: unknown) => {
      if (!isNotFound(err)) this.sb.log.warn('cri: deleting a task', { container: id, error: errorMessage(err) });
    });
    fs.rmSync(path.join(this.fifoDir, id), { recursive: true, force: true });
  }

  /** Stop signal (TERM), `timeoutSec` seconds, then SIGKILL; a container not running is fine. */
  async stop(idOrPrefix: string, timeoutSec: number): Promise<void> {
    const rec = this.store.get(idOrPrefix);
    if (rec.state !== 'running') return;
    let shim;
    try {
      shim = await this.sb.runtime.taskShim(CRI_CTX, rec.id);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const exited = shim.task.wait({ id: rec.id }).then(
      () => true,
      () => true,
    );
    if (timeoutSec > 0) {
      await shim.task.kill({ id: rec.id, signal: 15, all: false }).catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutSec * 1000)));
      const done = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (done) return this.settled(rec.id);
    }
    await shim.task.kill({ id: rec.id, signal: 9, all: true }).catch(() => undefined);
    await exited;
    await this.settled(rec.id);
  }

  /** Waits until the watcher recorded the exit (it owns the record then); records it if no watcher did. */
  private async settled(id: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const r = this.store.find(id);
      if (!r || r.state !== 'running') return;
      await new Promise((res) => setTimeout(res, 10));
    }
    const r = this.store.find(id);
    if (r?.state === 'running' && !this.watching.has(id)) {
      this.store.put({ ...r, state: 'exited', exitCode: UNKNOWN_EXIT_CODE, finishedAt: nowNs(), reason: 'Unknown', pid: 0 });
      this.emit(id, r.sandboxId, 'stopped');
    }
  }

  async remove(idOrPrefix: string): Promise<void> {
    const rec = this.store.find(idOrPrefix);
    if (!rec) return;
    await this.stop(rec.id, 0);
    await this.deleteTask(rec.id);
    try {
      this.sb.containers.delete(CRI_CTX, rec.id);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await this.sb.snapshots.remove(CRI_CTX, rec.id).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    this.store.remove(rec.id);
    this.emit(rec.id, rec.sandboxId, 'deleted');
  }

  /**
   * New resources: recorded in the container's spec (a created container starts with them) and, while
   * it runs, applied to its cgroup through the task's Update. The spec changes only if the task took them.
   */
  async updateResources(idOrPrefix: string, r: LinuxContainerResources | undefined): Promise<void> {
    const rec = this.store.get(idOrPrefix);
    if (rec.state === 'exited') throw failedPrecondition(`UpdateContainerResources: container ${rec.id} is not in created or running state`);
    const ctr = this.sb.containers.get(CRI_CTX, rec.id);
    const spec = specOf(this.sb, rec.id);
    const resources = mergeResources(spec.linux.resources, r, 'UpdateContainerResources');
    const oom = checkOomScoreAdj(r?.oomScoreAdj ?? 0n, 'UpdateContainerResources');
    const next: OciSpec = { ...spec, process: { ...spec.process, ...(oom !== undefined ? { oomScoreAdj: oom } : {}) }, linux: { ...spec.linux, resources } };
    if (rec.state === 'running') {
      let shim;
      try {
        shim = await this.sb.runtime.taskShim(CRI_CTX, rec.id);
      } catch (err) {
        if (isNotFound(err)) throw failedPrecondition(`UpdateContainerResources: container ${rec.id} is not running`);
        throw err;
      }
      try {
        await shim.task.update({ id: rec.id, resources: { typeUrl: RESOURCES_TYPE_URL, value: Buffer.from(JSON.stringify(updatableResources(resources))) }, annotations: {} });
      } catch (err) {
        throw new GrpcError((err as { code?: number }).code ?? Code.UNKNOWN, `UpdateContainerResources ${rec.id}: ${errorMessage(err)}`);
      }
    }
    this.sb.containers.update(CRI_CTX, { ...ctr, spec: { typeUrl: SPEC_TYPE_URL, value: Buffer.from(JSON.stringify(next)) } }, ['spec']);
  }

  /** Reopens a running container's log file at its path (kubelet rotated it). */
  reopenLog(idOrPrefix: string): void {
    const rec = this.store.get(idOrPrefix);
    if (rec.state !== 'running') throw failedPrecondition(`ReopenContainerLog: container ${rec.id} is not running`);
    try {
      this.pumps.get(rec.id)?.reopen();
    } catch (err) {
      throw new GrpcError(Code.UNKNOWN, `ReopenContainerLog ${rec.id}: ${errorMessage(err)}`);
    }
  }

  async execSync(idOrPrefix: string, cmd: string[], timeoutSec: number): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }> {
    const rec = this.store.get(idOrPrefix);
    if (cmd.length === 0) throw invalidArgument('ExecSync: cmd must be set');
    if (rec.state !== 'running') throw failedPrecondition(`ExecSync: container ${rec.id} is not running`);
    const shim = await this.sb.runtime.taskShim(CRI_CTX, rec.id);
    const spec = specOf(this.sb, rec.id);
    const execId = `exec-${randomBytes(8).toString('hex')}`;
    const fifos = makeFifos(path.join(this.fifoDir, rec.id), execId);
    try {
      const proc = { ...spec.process, args: cmd, terminal: false };
      await shim.task.exec({ id: rec.id, execId, terminal: false, stdin: '', stdout: fifos.stdout, stderr: fifos.stderr, spec: { typeUrl: PROCESS_TYPE_URL, value: Buffer.from(JSON.stringify(proc)) } });
      const out = collectFifos(fifos);
      await shim.task.start({ id: rec.id, execId });
      const waited = shim.task.wait({ id: rec.id, execId });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = timeoutSec > 0 ? new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutSec * 1000))) : new Promise<never>(() => undefined);
      const w = await Promise.race([waited, timedOut]);
      clearTimeout(timer);
      if (w === 'timeout') {
        await shim.task.kill({ id: rec.id, execId, signal: 9, all: false }).catch(() => undefined);
        await waited.catch(() => undefined);
        throw new GrpcError(Code.DEADLINE_EXCEEDED, `ExecSync: command ${JSON.stringify(cmd)} timed out after ${timeoutSec}s`);
      }
      const o = await out;
      return { ...o, exitCode: w.exitStatus };
    } finally {
      await shim.task.delete({ id: rec.id, execId }).catch(() => undefined);
      fs.rmSync(fifos.stdout, { force: true });
      fs.rmSync(fifos.stderr, { force: true });
    }
  }
}

const STATE: Record<ContainerRecord['state'], ContainerState> = { created: ContainerState.CONTAINER_CREATED, running: ContainerState.CONTAINER_RUNNING, exited: ContainerState.CONTAINER_EXITED };

export function statusOf(r: ContainerRecord) {
  return {
    id: r.id,
    metadata: r.metadata,
    state: STATE[r.state],
    createdAt: BigInt(r.createdAt),
    startedAt: BigInt(r.startedAt),
    finishedAt: BigInt(r.finishedAt),
    exitCode: r.exitCode,
    image: { image: r.image, annotations: {} },
    imageRef: r.imageId,
    imageId: r.imageId,
    reason: r.reason,
    message: '',
    labels: r.labels,
    annotations: r.annotations,
    mounts: r.mounts,
    logPath: r.logPath,
  };
}

export function containerService(c: Containers, store: ContainerStoreCri): Impl {
  return {
    async createContainer(req) {
      return { containerId: await c.create(req.podSandboxId, req.config) };
    },
    async startContainer(req) {
      await c.start(req.containerId);
      return {};
    },
    async stopContainer(req) {
      await c.stop(req.containerId, Number(req.timeout));
      return {};
    },
    async removeContainer(req) {
      await c.remove(req.containerId);
      return {};
    },
    containerStatus(req) {
      const r = store.get(req.containerId);
      const info: Record<string, string> = {};
      if (req.verbose) info['info'] = JSON.stringify({ sandboxID: r.sandboxId, pid: r.pid });
      return { status: statusOf(r), info };
    },
    listContainers(req) {
      const f = req.filter;
      const containers = store
        .list()
        .filter((r) => !f?.id || r.id.startsWith(f.id))
        .filter((r) => !f?.podSandboxId || r.sandboxId.startsWith(f.podSandboxId))
        .filter((r) => !f?.state || STATE[r.state] === f.state.state)
        .filter((r) => Object.entries(f?.labelSelector ?? {}).every(([k, v]) => r.labels[k] === v))
        .map((r) => ({ id: r.id, podSandboxId: r.sandboxId, metadata: r.metadata, image: { image: r.image, annotations: {} }, imageRef: r.imageId, imageId: r.imageId, state: STATE[r.state], createdAt: BigInt(r.createdAt), labels: r.labels, annotations: r.annotations }));
      return { containers };
    },
    async execSync(req) {
      return c.execSync(req.containerId, req.cmd, Number(req.timeout));
    },
    async updateContainerResources(req) {
      await c.updateResources(req.containerId, req.linux);
      return {};
    },
    reopenContainerLog(req) {
      c.reopenLog(req.containerId);
      return {};
    },
  };
}
