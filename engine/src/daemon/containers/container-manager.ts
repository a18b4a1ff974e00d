// Containers over containerd-ts: create (record, snapshot, spec), start (network, task, attach
// hand-off), exits (task delete, restart policy, auto-remove), stop/kill/pause/rename/remove, and
// reconnecting to running tasks after the engine restarts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Code, isGrpcCode, GrpcError } from '@stack/proto';
import { Status } from '@stack/proto/gen/containerd/types/task/task_pb';
import type { DaemonConfig } from '../config.js';
import { RUNTIME_NAME, SNAPSHOTTER, type Containerd } from '../containerd/client.js';
import type { EventBus } from '../events/event-bus.js';
import { ApiError, badRequest, conflict, fromNetworkError, notFound, notModified } from '../http/api-error.js';
import type { ImageStore } from '../images/image-store.js';
import { formatPlatform, HOST_ARCH, HOST_OS, platformMatches, type Platform } from '../images/platform.js';
import type { NetworkAttacher, NetworkAttachers, NetworkAttachment } from '../networking/network-attacher.js';
import { ZERO_TIME, type ContainerRecord } from '../state/container-record.js';
import type { ContainerStore } from '../state/container-store.js';
import type { VolumeStore } from '../volumes/volume-store.js';
import { buildSpec, DEFAULT_SHM_SIZE } from '../../oci/spec-builder.js';
import type { OciSpec } from '../../oci/runtime-spec.js';
import { readRootfsFile, type SnapshotMount } from '../../oci/rootfs-reader.js';
import { resolveUser } from '../../oci/user.js';
import { findInitBinary } from '../../oci/init-binary.js';
import { normalizeCap } from '../../oci/capabilities.js';
import { planMounts, settlePropagation } from './binds.js';
import { checkBindPropagation } from './bind-propagation.js';
import { copyUp, resolveMounts } from './container-mounts.js';
import { containerFilePaths, hostHostname, writeContainerFiles } from './container-files.js';
import { networkingConfigOf } from './networking-config.js';
import { completeConfig, validateHostConfig } from './create-config.js';
import { randomName } from './names.js';
import { checkLinks, resolveLinks } from './links.js';
import { mountsFrom } from './volumes-from.js';
import { checkNamespaceModes, planNamespaces } from './namespace-modes.js';
import { containerDevices } from '../../oci/devices.js';
import { mountShm, shmPath, unmountShm } from './ipc-shm.js';
import { shouldRestart } from './restart-policy.js';
import { reapOrphans } from './orphan-reaper.js';
import { wasOomKilled } from './oom-check.js';
import { RestartScheduler } from './restart-scheduler.js';
import { ExitMonitor } from './exit-monitor.js';
import { PendingAttaches, type AttachWanted } from './pending-attaches.js';
import { parseSignal } from './signals.js';
import { jsonAny, SPEC_TYPE_URL } from './spec-any.js';
import { TaskAttach } from './task-attach.js';
import { Waiters, type WaitResult } from './waiters.js';

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isRunningState(rec: ContainerRecord): boolean {
  return rec.State.Status === 'running' || rec.State.Status === 'paused';
}

export class ContainerManager {
  readonly waiters = new Waiters();
  private readonly specs = new Map<string, OciSpec>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly restarts = new RestartScheduler();
  private readonly pending = new PendingAttaches();
  private readonly monitor: ExitMonitor;
  private readonly oom = new Set<string>();
  private readonly attachments = new Map<string, NetworkAttachment>();
  private closing = false;

  constructor(
    private readonly c: Containerd,
    readonly store: ContainerStore,
    private readonly images: ImageStore,
    private readonly volumes: VolumeStore,
    private readonly events: EventBus,
    private readonly networks: NetworkAttachers,
    private readonly config: DaemonConfig,
    private readonly log: Logger,
  ) {
    this.monitor = new ExitMonitor(c, (id, status, at) => this.onExit(id, status, at));
  }

  /** Runs one state-changing operation per container at a time. */
  private async lock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    }
  }

  /** Records a state change that already happened; a full disk is logged and retried, not thrown. */
  private persist(rec: ContainerRecord): void {
    this.store.saveOrRetry(rec, (id, err) => this.log.error(`container ${id}: cannot write its state (kept in memory, retrying): ${err instanceof Error ? err.message : String(err)}`));
  }

  /** A container event's attributes as dockerd sets them: labels, image, name, then the event's own. */
  attributes(rec: ContainerRecord, extra: Record<string, string> = {}): Record<string, string> {
    return { ...rec.Config.Labels, image: rec.Config.Image, name: rec.Name.slice(1), ...extra };
  }

  private attacher(rec: ContainerRecord): NetworkAttacher {
    const a = this.networks.for(rec.HostConfig.NetworkMode);
    if (!a) throw notFound(`network ${rec.HostConfig.NetworkMode} not found`);
    return a;
  }

  /** A running container's networking as it is now (network connect/disconnect change it). */
  attachment(id: string): NetworkAttachment | undefined {
    const rec = this.store.find(id);
    const known = this.attachments.get(id);
    if (!rec || !known) return undefined;
    return this.networks.for(rec.HostConfig.NetworkMode)?.current?.(rec) ?? known;
  }

  /** Runs `fn` while no other state change of the container runs. */
  locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.lock(id, fn);
  }

  logUri(rec: ContainerRecord): string {
    const cfg = rec.HostConfig.LogConfig.Config;
    const maxSize = cfg['max-size'] ?? this.config.logOpts.maxSize;
    const maxFile = cfg['max-file'] ?? String(this.config.logOpts.maxFile);
    return `jsonlog://${encodeURI(rec.LogPath)}?max-size=${encodeURIComponent(maxSize)}&max-file=${encodeURIComponent(maxFile)}`;
  }

  // ---- create ---------------------------------------------------------------------------------

  async create(name: string | null, body: Record<string, unknown>, opts: { platform?: Platform } = {}): Promise<{ Id: string; Warnings: string[] }> {
    const imageRef = body.Image;
    if (typeof imageRef !== 'string' || !imageRef) throw badRequest('Config.Image is required');
    const hostConfig = validateHostConfig((body.HostConfig ?? {}) as Record<string, unknown>);
    if (hostConfig.NetworkMode === 'default') hostConfig.NetworkMode = this.networks.defaultMode;
    hostConfig.Links = checkLinks(hostConfig.Links ?? [], hostConfig.NetworkMode, (ref) => this.store.find(ref));
    if (!hostConfig.Links.length) hostConfig.Links = null;
    if ((hostConfig.Links ?? []).length && !['bridge', 'none'].includes(hostConfig.NetworkMode)) {
      throw badRequest(`links on network ${hostConfig.NetworkMode} are not supported by this engine: legacy links work on the default bridge only (use --network-alias on user-defined networks)`);
    }
    const fromMounts = mountsFrom(hostConfig.VolumesFrom ?? [], (ref) => this.store.find(ref));
    Object.assign(hostConfig, checkNamespaceModes(hostConfig, (ref) => this.store.find(ref)));
    if (hostConfig.UTSMode === 'host' && typeof body.Hostname === 'string' && body.Hostname) throw badRequest('Conflicting options: hostname and the UTS mode');
    const sharesNetns = hostConfig.NetworkMode.startsWith('container:');
    if (sharesNetns && typeof body.Hostname === 'string' && body.Hostname) throw badRequest('conflicting options: hostname and the network mode');
    const networkingConfig = networkingConfigOf(body.NetworkingConfig, hostConfig.NetworkMode);
    const planned = planMounts(hostConfig);
    settlePropagation(planned, this.config.dataRoot);
    if (hostConfig.Init === true) findInitBinaryOrThrow(this.config.initPath);
    for (const c of [...(hostConfig.CapAdd ?? []), ...(hostConfig.CapDrop ?? [])]) normalizeCap(c);
    const image = await this.images.get(imageRef);
    if (opts.platform) {
      const actual = { os: image.config.os, architecture: image.config.architecture, ...(image.config.variant ? { variant: image.config.variant } : {}) };
      if (!platformMatches(opts.platform, actual)) {
        throw notFound(`image with reference ${imageRef} was found but does not match the specified platform: wanted ${formatPlatform(opts.platform)}, actual: ${formatPlatform({ ...actual, os: actual.os || HOST_OS })}`);
      }
    }
    const { config, path: cmdPath, args } = completeConfig(body, image.config, imageRef);
    const id = randomBytes(32).toString('hex');
    if (!config.Hostname) config.Hostname = hostConfig.NetworkMode === 'host' || hostConfig.UTSMode === 'host' ? hostHostname() : id.slice(0, 12);
    if (config.Hostname.length > 255) throw badRequest('invalid hostname: too long');
    const rec: ContainerRecord = {
      ID: id,
      Name: '',
      Created: new Date().toISOString(),
      Path: cmdPath,
      Args: args,
      Config: config,
      HostConfig: hostConfig,
      Image: image.id,
      State: { Status: 'created', Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME, OOMKilled: false },
      RestartCount: 0,
      HasBeenStartedBefore: false,
      HasBeenManuallyStopped: false,
      Mounts: [],
      LogPath: path.join(this.store.dir(id), `${id}-json.log`),
      ResolvConfPath: '',
      HostnamePath: '',
      HostsPath: '',
      ...(networkingConfig ? { NetworkingConfig: networkingConfig } : {}),
    };
    await this.attacher(rec).validate(rec);
    // The name last: everything a client can get wrong has been checked by now.
    if (name) rec.Name = this.store.reserveName(name, id);
    else {
      for (let i = 0; !rec.Name; i++) {
        try {
          rec.Name = this.store.reserveName(randomName(i), id);
        } catch (err) {
          if (i > 20) throw err;
        }
      }
    }
    const undo: Array<() => Promise<unknown> | unknown> = [() => this.store.releaseName(rec.Name), () => fs.rmSync(this.store.dir(id), { recursive: true, force: true })];
    try {
      fs.mkdirSync(this.store.dir(id), { recursive: true, mode: 0o710 });
      // Bridge and container:<id> networking write these files at each start; none and host get them now.
      const files = engineWritesFiles(hostConfig.NetworkMode)
        ? writeContainerFiles(this.store.dir(id), config.Hostname, hostConfig.NetworkMode === 'host', hostConfig.ExtraHosts ?? [])
        : containerFilePaths(this.store.dir(id));
      rec.HostnamePath = files.hostnamePath;
      rec.HostsPath = files.hostsPath;
      rec.ResolvConfPath = files.resolvConfPath;
      // --volumes-from first; the container's own mounts win a destination, image volumes fill the rest.
      const inherited = fromMounts.filter((m) => !planned.some((p) => p.destination === m.Destination));
      const imageVolumes = Object.keys(config.Volumes ?? {}).filter((v) => !inherited.some((m) => m.Destination === path.posix.normalize(v)));
      const resolved = resolveMounts(planned, imageVolumes, this.volumes);
      undo.push(() => {
        for (const v of resolved.createdVolumes) this.volumes.remove(v, [], true);
      });
      rec.Mounts = [...inherited, ...resolved.mounts];
      // The snapshot is a GC root of its own until the container record refers to it.
      const prepared = await this.c.snapshots.prepare({ snapshotter: SNAPSHOTTER, key: id, parent: image.chainId ?? '', labels: { 'containerd.io/gc.root': new Date().toISOString() } });
      undo.push(() => this.c.snapshots.remove({ snapshotter: SNAPSHOTTER, key: id }).catch(() => undefined));
      const mounts = prepared.mounts.map((m) => ({ type: m.type, source: m.source, options: [...m.options] }));
      await copyUp(mounts, this.store.dir(id), resolved.copyUp, this.volumes);
      const spec = this.specFor(rec, mounts, undefined);
      await this.c.containers.create({
        container: {
          id,
          labels: { 'stack.engine/name': rec.Name.slice(1) },
          image: image.names[0] ?? imageRef,
          runtime: { name: RUNTIME_NAME },
          spec: jsonAny(SPEC_TYPE_URL, spec),
          snapshotter: SNAPSHOTTER,
          snapshotKey: id,
        },
      });
      undo.push(() => this.c.containers.delete({ id }).catch(() => undefined));
      this.specs.set(id, spec);
      this.store.save(rec);
    } catch (err) {
      for (const u of undo.reverse()) {
        try {
          await u();
        } catch {
          // best effort: the rest of the undo still runs
        }
      }
      throw err;
    }
    this.events.publish('container', 'create', id, this.attributes(rec));
    return { Id: id, Warnings: [] };
  }

  /**
   * The OCI spec. At create it is a draft (the containers record needs one); at start, devices,
   * --group-add and the namespaces of other containers are resolved as they are now, as dockerd does.
   */
  private specFor(rec: ContainerRecord, mounts: SnapshotMount[], netns: string | null | undefined, atStart = false, linkEnv: readonly string[] = []): OciSpec {
    const groupAdd = atStart ? (rec.HostConfig.GroupAdd ?? []) : [];
    const user = resolveUser(rec.Config.User, readRootfsFile(mounts, '/etc/passwd')?.toString('utf8'), readRootfsFile(mounts, '/etc/group')?.toString('utf8'), groupAdd);
    return buildSpec({
      ...(linkEnv.length ? { linkEnv } : {}),
      ...(atStart ? { namespaces: planNamespaces(rec, (ref) => this.store.find(ref), (id) => shmPath(this.store.dir(id))), devices: containerDevices(rec.HostConfig) } : {}),
      container: rec,
      user,
      mounts: rec.Mounts,
      netns,
      cgroupParent: this.config.cgroupParent,
      arch: HOST_ARCH,
      ...(rec.HostConfig.Init === true ? { initPath: findInitBinaryOrThrow(this.config.initPath) } : {}),
      defaultUlimits: this.config.defaultUlimits,
      cgroupV2: isCgroupV2(),
    });
  }

  async specOf(id: string): Promise<OciSpec> {
    const hit = this.specs.get(id);
    if (hit) return hit;
    const { container } = await this.c.containers.get({ id });
    const spec = JSON.parse(Buffer.from(container?.spec?.value ?? new Uint8Array()).toString('utf8')) as OciSpec;
    this.specs.set(id, spec);
    return spec;
  }

  // ---- start ----------------------------------------------------------------------------------

  start(ref: string): Promise<void> {
    const rec = this.store.get(ref);
    return this.lock(rec.ID, async () => {
      const cur = this.store.get(rec.ID);
      if (cur.State.Status === 'paused') throw conflict('cannot start a paused container, try unpause instead');
      if (cur.State.Status === 'running') throw notModified();
      if (cur.State.Status === 'removing') throw conflict(`container is marked for removal and cannot be started`);
      this.restarts.cancel(cur.ID);
      await this.doStart(cur);
    }).catch(async (err: unknown) => {
      // A --rm container that never ran is removed, as dockerd does.
      const cur = this.store.find(rec.ID);
      if (cur?.HostConfig.AutoRemove && !cur.HasBeenStartedBefore && !(err instanceof ApiError && err.status === 304)) await this.remove(cur.ID, { force: true, volumes: true }).catch(() => undefined);
      throw err;
    });
  }

  private async doStart(rec: ContainerRecord): Promise<void> {
    const attacher = this.attacher(rec);
    let taskCreated = false;
    let attached = false;
    try {
      // Legacy links work on the default bridge only; on `none` dockerd ignores them too.
      const links = rec.HostConfig.NetworkMode === 'bridge' ? resolveLinks(rec, (ref) => this.store.find(ref), (id) => this.attachment(id)?.networks.bridge?.IPAddress || undefined) : { hosts: [], env: [] };
      const att = await attacher.attach(rec, links.hosts.length ? { linkHosts: links.hosts } : {});
      attached = true;
      if (att.files) {
        rec.HostsPath = att.files.hostsPath;
        rec.ResolvConfPath = att.files.resolvConfPath;
        rec.HostnamePath = att.files.hostnamePath;
      }
      // container:<id> takes the other container's hostname, as Docker does.
      if (att.hostname && rec.HostConfig.NetworkMode.startsWith('container:')) rec.Config.Hostname = att.hostname;
      const { mounts } = await this.c.snapshots.mounts({ snapshotter: SNAPSHOTTER, key: rec.ID });
      const rootfs = mounts.map((m) => ({ type: m.type, source: m.source, options: [...m.options] }));
      checkBindPropagation(rec.Mounts);
      if (rec.HostConfig.IpcMode === 'shareable') await mountShm(this.store.dir(rec.ID), rec.HostConfig.ShmSize > 0 ? rec.HostConfig.ShmSize : DEFAULT_SHM_SIZE);
      const spec = this.specFor(rec, rootfs, att.netns, true, links.env);
      await this.c.containers.update({ container: { id: rec.ID, spec: jsonAny(SPEC_TYPE_URL, spec) }, updateMask: { paths: ['spec'] } });
      this.specs.set(rec.ID, spec);
      const log = this.logUri(rec);
      // A task left by a crash between create and delete would block the new one.
      await this.c.tasks.delete({ containerId: rec.ID }).catch(() => undefined);
      await this.c.tasks.create({
        containerId: rec.ID,
        rootfs: mounts,
        stdin: rec.Config.OpenStdin ? 'attach:' : '',
        stdout: log,
        stderr: rec.Config.Tty ? '' : log,
        terminal: rec.Config.Tty,
      });
      taskCreated = true;
      await this.pending.handOver(this.c, rec.ID);
      const { pid } = await this.c.tasks.start({ containerId: rec.ID, execId: '' });
      this.oom.delete(rec.ID);
      this.attachments.set(rec.ID, att);
      rec.State = { Status: 'running', Pid: pid, ExitCode: 0, Error: '', StartedAt: new Date().toISOString(), FinishedAt: rec.State.FinishedAt, OOMKilled: false };
      rec.HasBeenStartedBefore = true;
      rec.HasBeenManuallyStopped = false;
      if (typeof att.netns === 'string') rec.NetNsPath = att.netns;
      this.store.save(rec);
      this.monitor.watch(rec.ID);
      this.events.publish('container', 'start', rec.ID, this.attributes(rec));
    } catch (err) {
      if (taskCreated) await this.c.tasks.delete({ containerId: rec.ID }).catch(() => undefined);
      if (attached) await attacher.detach(rec).catch((e: unknown) => this.log.warn(`network detach ${rec.ID}: ${String(e)}`));
      await unmountShm(this.store.dir(rec.ID)).catch((e: unknown) => this.log.warn(`unmount shm ${rec.ID}: ${String(e)}`));
      this.pending.fail(rec.ID, err);
      const message = this.volumes.describeIn(err instanceof Error ? err.message : String(err));
      rec.State.Error = message;
      rec.State.ExitCode = /executable file not found|no such file or directory/i.test(message) ? 127 : /permission denied/i.test(message) ? 126 : 128;
      this.store.save(rec);
      if (err instanceof ApiError) throw err;
      const networkError = fromNetworkError(err);
      if (networkError) throw networkError;
      if (rec.State.ExitCode !== 128 || (err instanceof GrpcError && err.code === Code.INVALID_ARGUMENT)) throw badRequest(message);
      throw new ApiError(500, message);
    }
  }

  // ---- attach hand-off ------------------------------------------------------------------------

  /** Attaches to a running container now, or to a created one once it starts (before its process runs). */
  attach(id: string, open: AttachWanted, signal: AbortSignal): Promise<TaskAttach> {
    const rec = this.store.get(id);
    if (isRunningState(rec)) return TaskAttach.open(this.c, { containerId: rec.ID, execId: '', ...open });
    return this.pending.wait(rec.ID, open, signal);
  }

  // ---- exits ----------------------------------------------------------------------------------

  private onExit(id: string, status: number, exitedAt: Date): Promise<void> {
    return this.lock(id, async () => {
      const rec = this.store.find(id);
      if (!rec || !isRunningState(rec)) return;
      let exitStatus = status;
      const cgroupsPath = this.specs.get(id)?.linux.cgroupsPath;
      if (cgroupsPath && wasOomKilled(cgroupsPath)) this.oom.add(id);
      try {
        const d = await this.c.tasks.delete({ containerId: id });
        exitStatus = d.exitStatus;
      } catch (err) {
        if (!isGrpcCode(err, Code.NOT_FOUND)) this.log.warn(`delete task ${id}: ${String(err)}`);
      }
      await this.attacher(rec).detach(rec).catch((e: unknown) => this.log.warn(`network detach ${id}: ${String(e)}`));
      await unmountShm(this.store.dir(id)).catch((e: unknown) => this.log.warn(`unmount shm ${id}: ${String(e)}`));
      this.attachments.delete(id);
      const ranFor = exitedAt.getTime() - Date.parse(rec.State.StartedAt);
      rec.State = { ...rec.State, Status: 'exited', Pid: 0, ExitCode: exitStatus, FinishedAt: exitedAt.toISOString(), OOMKilled: this.oom.has(id) };
      delete rec.NetNsPath;
      this.events.publish('container', 'die', id, this.attributes(rec, { exitCode: String(exitStatus) }));
      const restart = shouldRestart(rec.HostConfig.RestartPolicy, exitStatus, rec.HasBeenManuallyStopped, rec.RestartCount);
      if (restart) rec.State.Status = 'restarting';
      this.persist(rec);
      if (restart) this.scheduleRestart(rec, ranFor);
      this.waiters.notify(id, 'next-exit', { StatusCode: exitStatus, Error: null });
      if (!restart && rec.HostConfig.AutoRemove) void this.remove(id, { force: true, volumes: true }).catch((e: unknown) => this.log.warn(`auto-remove ${id}: ${String(e)}`));
    });
  }

  private scheduleRestart(rec: ContainerRecord, ranForMs: number): void {
    this.restarts.schedule(rec.ID, ranForMs, () => {
      void this.lock(rec.ID, async () => {
        const cur = this.store.find(rec.ID);
        if (!cur || cur.State.Status !== 'restarting') return;
        cur.RestartCount++;
        try {
          await this.doStart(cur);
          this.events.publish('container', 'restart', cur.ID, this.attributes(cur));
        } catch (err) {
          cur.State.Status = 'exited';
          this.persist(cur);
          this.log.warn(`restart ${cur.ID}: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
    });
  }

  noteOom(id: string): void {
    this.oom.add(id);
    // The OOM event may arrive after the exit was recorded.
    const rec = this.store.find(id);
    if (rec && rec.State.Status !== 'running' && rec.State.Status !== 'paused' && Date.now() - Date.parse(rec.State.FinishedAt) < 10_000 && !rec.State.OOMKilled) {
      rec.State.OOMKilled = true;
      this.persist(rec);
    }
    this.events.publish('container', 'oom', id, rec ? this.attributes(rec) : {});
  }

  // ---- stop, kill, restart, pause ------------------------------------------------------------

  async stop(ref: string, timeoutSec: number | undefined): Promise<void> {
    const rec = this.store.get(ref);
    if (rec.State.Status === 'restarting') {
      await this.lock(rec.ID, async () => {
        this.restarts.cancel(rec.ID);
        rec.HasBeenManuallyStopped = true;
        rec.State.Status = 'exited';
        this.persist(rec);
      });
      return;
    }
    if (!isRunningState(rec)) throw notModified();
    const timeout = timeoutSec ?? rec.Config.StopTimeout ?? 10;
    const stopSignal = parseSignal(rec.Config.StopSignal, 'SIGTERM');
    const exited = this.waiters.exitWithin(rec.ID, timeout < 0 ? -1 : timeout * 1000);
    // The signal goes first: a state write that fails (a full disk) must not keep it from the container.
    rec.HasBeenManuallyStopped = true;
    await this.signal(rec, stopSignal);
    this.events.publish('container', 'kill', rec.ID, this.attributes(rec, { signal: String(stopSignal) }));
    this.persist(rec);
    if (rec.State.Status === 'paused') await this.c.tasks.resume({ containerId: rec.ID }).catch(() => undefined);
    if (!(await exited)) {
      const killed = this.waiters.exitWithin(rec.ID, 30_000);
      await this.signal(rec, 9);
      this.events.publish('container', 'kill', rec.ID, this.attributes(rec, { signal: '9' }));
      if (!(await killed)) throw new ApiError(500, `container ${rec.ID} did not exit after SIGKILL`);
    }
    this.events.publish('container', 'stop', rec.ID, this.attributes(rec));
  }

  private async signal(rec: ContainerRecord, sig: number): Promise<void> {
    try {
      await this.c.tasks.kill({ containerId: rec.ID, execId: '', signal: sig, all: false });
    } catch (err) {
      if (!isGrpcCode(err, Code.NOT_FOUND) && !isGrpcCode(err, Code.FAILED_PRECONDITION)) throw err;
    }
  }

  async kill(ref: string, signalName: string | undefined): Promise<void> {
    const rec = this.store.get(ref);
    const sig = parseSignal(signalName, 'SIGKILL');
    if (!isRunningState(rec)) throw conflict(`Cannot kill container: ${ref}: Container ${rec.ID} is not running`);
    const exited = sig === 9 ? this.waiters.exitWithin(rec.ID, 10_000) : undefined;
    rec.HasBeenManuallyStopped = true;
    await this.signal(rec, sig);
    this.persist(rec);
    if (rec.State.Status === 'paused' && sig === 9) await this.c.tasks.resume({ containerId: rec.ID }).catch(() => undefined);
    this.events.publish('container', 'kill', rec.ID, this.attributes(rec, { signal: String(sig) }));
    if (exited) await exited;
  }

  async restart(ref: string, timeoutSec: number | undefined): Promise<void> {
    const rec = this.store.get(ref);
    if (isRunningState(rec) || rec.State.Status === 'restarting') {
      try {
        await this.stop(rec.ID, timeoutSec);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 304)) throw err;
      }
    }
    await this.start(rec.ID);
    this.events.publish('container', 'restart', rec.ID, this.attributes(rec));
  }

  async pause(ref: string, pause: boolean): Promise<void> {
    const rec = this.store.get(ref);
    await this.lock(rec.ID, async () => {
      if (!isRunningState(rec)) throw conflict(`Container ${rec.ID} is not running`);
      if (pause && rec.State.Status === 'paused') throw conflict(`Container ${rec.ID} is already paused`);
      if (!pause && rec.State.Status !== 'paused') throw conflict(`Container ${rec.ID} is not paused`);
      if (pause) await this.c.tasks.pause({ containerId: rec.ID });
      else await this.c.tasks.resume({ containerId: rec.ID });
      rec.State.Status = pause ? 'paused' : 'running';
      this.store.save(rec);
      this.events.publish('container', pause ? 'pause' : 'unpause', rec.ID, this.attributes(rec));
    });
  }

  rename(ref: string, newName: string): void {
    const rec = this.store.get(ref);
    if (!newName) throw badRequest('Neither old nor new names may be empty');
    const old = rec.Name;
    const full = this.store.reserveName(newName, rec.ID);
    if (full === old) throw badRequest(`Renaming a container with the same name as its current name`);
    this.store.releaseName(old);
    rec.Name = full;
    this.store.save(rec);
    this.events.publish('container', 'rename', rec.ID, this.attributes(rec, { oldName: old }));
  }

  // ---- wait, remove ---------------------------------------------------------------------------

  /** Docker's wait conditions; registered before this returns its promise. */
  /** An aborted signal (the client left) withdraws the wait. */
  wait(ref: string, condition: string, signal?: AbortSignal): Promise<WaitResult> {
    const rec = this.store.get(ref);
    if (condition === 'removed') return this.waiters.add(rec.ID, 'removed', signal);
    if (condition === 'next-exit') return this.waiters.add(rec.ID, 'next-exit', signal);
    if (condition && condition !== 'not-running') throw badRequest(`invalid condition: "${condition}"`);
    if (!isRunningState(rec) && rec.State.Status !== 'restarting') return Promise.resolve({ StatusCode: rec.State.ExitCode, Error: null });
    return this.waiters.add(rec.ID, 'next-exit', signal);
  }

  async remove(ref: string, opts: { force: boolean; volumes: boolean }): Promise<void> {
    const rec = this.store.get(ref);
    if ((isRunningState(rec) || rec.State.Status === 'restarting') && !opts.force) {
      throw conflict(`You cannot remove a ${rec.State.Status} container ${rec.ID}. Stop the container before attempting removal or force remove`);
    }
    if (rec.State.Status === 'removing') throw conflict(`removal of container ${rec.ID} is already in progress`);
    this.restarts.cancel(rec.ID);
    if (isRunningState(rec)) {
      rec.HasBeenManuallyStopped = true;
      const exited = this.waiters.exitWithin(rec.ID, 15_000);
      await this.signal(rec, 9);
      if (rec.State.Status === 'paused') await this.c.tasks.resume({ containerId: rec.ID }).catch(() => undefined);
      await exited;
    }
    await this.lock(rec.ID, async () => {
      if (!this.store.find(rec.ID)) return;
      rec.State.Status = 'removing';
      this.monitor.forget(rec.ID);
      await this.c.tasks.delete({ containerId: rec.ID }).catch(() => undefined);
      await this.attacher(rec).detach(rec).catch(() => undefined);
      await unmountShm(this.store.dir(rec.ID));
      await this.c.containers.delete({ id: rec.ID }).catch((err: unknown) => {
        if (!isGrpcCode(err, Code.NOT_FOUND)) throw err;
      });
      await this.c.snapshots.remove({ snapshotter: SNAPSHOTTER, key: rec.ID }).catch((err: unknown) => {
        if (!isGrpcCode(err, Code.NOT_FOUND)) throw err;
      });
      this.store.remove(rec.ID);
      this.specs.delete(rec.ID);
      this.restarts.forget(rec.ID);
      this.attachments.delete(rec.ID);
      if (opts.volumes) {
        for (const m of rec.Mounts) {
          if (m.Type !== 'volume' || !m.Anonymous || !m.Name) continue;
          if (this.volumeUsers(m.Name).length === 0) this.volumes.remove(m.Name, [], true);
        }
      }
      this.events.publish('container', 'destroy', rec.ID, this.attributes(rec));
      this.waiters.notify(rec.ID, 'removed', { StatusCode: rec.State.ExitCode, Error: null });
    });
  }

  volumeUsers(name: string): string[] {
    return this.store
      .all()
      .filter((c) => c.Mounts.some((m) => m.Type === 'volume' && m.Name === name))
      .map((c) => c.ID);
  }

  // ---- restore after a restart ------------------------------------------------------------------

  /**
   * Reconnects to tasks that kept running while the engine was down, lets networking undo what
   * belonged to the others, then records their exits and applies restart policies.
   */
  async restore(): Promise<void> {
    const all = this.store.load((id, err) => this.log.error(`container ${id}: cannot read its state: ${String(err)}`));
    await reapOrphans(this.c, new Set(all.map((r) => r.ID)), (m) => this.log.warn(m)).catch((err: unknown) => this.log.warn(`orphan check: ${String(err)}`));
    const probed: Array<{ rec: ContainerRecord; task: TaskProbe }> = [];
    for (const rec of all) {
      try {
        probed.push({ rec, task: rec.State.Status === 'removing' ? { live: false, exitStatus: 255 } : await this.probeTask(rec) });
      } catch (err) {
        this.log.error(`restore ${rec.ID}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    // Before anything is attached again: networking keeps the live containers' and drops the rest.
    const live = probed.filter((p) => p.task.live).map((p) => p.rec.ID);
    for (const problem of await this.networks.recover(live).catch((err: unknown) => [String(err)])) this.log.warn(`network recovery: ${problem}`);
    for (const { rec, task } of probed) {
      try {
        await this.restoreOne(rec, task);
      } catch (err) {
        this.log.error(`restore ${rec.ID}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** Whether the container's task still runs (with its state updated), or how it ended. */
  private async probeTask(rec: ContainerRecord): Promise<TaskProbe> {
    try {
      const { process: p } = await this.c.tasks.get({ containerId: rec.ID, execId: '' });
      if (p && (p.status === Status.RUNNING || p.status === Status.PAUSED || p.status === Status.PAUSING)) {
        rec.State.Status = p.status === Status.RUNNING ? 'running' : 'paused';
        rec.State.Pid = p.pid;
        return { live: true, exitStatus: 0 };
      }
      if (p) {
        const d = await this.c.tasks.delete({ containerId: rec.ID }).catch(() => undefined);
        return { live: false, exitStatus: d ? d.exitStatus : p.exitStatus };
      }
    } catch (err) {
      if (!isGrpcCode(err, Code.NOT_FOUND)) throw err;
    }
    return { live: false, exitStatus: 255 };
  }

  private async restoreOne(rec: ContainerRecord, task: TaskProbe): Promise<void> {
    if (rec.State.Status === 'removing') {
      await this.remove(rec.ID, { force: true, volumes: false }).catch(() => undefined);
      return;
    }
    if (task.live) {
      const a = this.attacher(rec);
      this.attachments.set(rec.ID, await (a.restore ?? a.attach).call(a, rec));
      this.store.save(rec);
      this.monitor.watch(rec.ID);
      return;
    }
    const wasRunning = isRunningState(rec) || rec.State.Status === 'restarting';
    if (wasRunning) {
      await this.attacher(rec).detach(rec).catch(() => undefined);
      if (rec.State.Status !== 'restarting') {
        rec.State = { ...rec.State, Status: 'exited', Pid: 0, ExitCode: task.exitStatus, FinishedAt: new Date().toISOString() };
      }
      rec.State.Status = 'exited';
      delete rec.NetNsPath;
      this.store.save(rec);
    }
    if (rec.HostConfig.AutoRemove && rec.State.Status === 'exited' && rec.HasBeenStartedBefore) {
      await this.remove(rec.ID, { force: true, volumes: true });
      return;
    }
    if (rec.HasBeenStartedBefore && shouldRestart(rec.HostConfig.RestartPolicy, rec.State.ExitCode, rec.HasBeenManuallyStopped, rec.RestartCount, true)) {
      await this.lock(rec.ID, () => this.doStart(rec)).catch((err: unknown) => this.log.warn(`restart ${rec.ID} after daemon start: ${String(err)}`));
    }
  }

  /** Watches OOM events for OOMKilled, reconnecting when containerd-ts restarts. */
  watchOom(): void {
    void (async () => {
      while (!this.closing) {
        try {
          for await (const e of this.c.events.subscribe({ filters: ['topic=="/tasks/oom"'] })) {
            const id = decodeContainerId(e.event?.value);
            if (id) this.noteOom(id);
          }
        } catch {
          // containerd-ts went away; try again
        }
        await sleep(1000);
      }
    })();
  }

  close(): void {
    this.closing = true;
    this.monitor.close();
    this.restarts.close();
  }
}

/** TaskOOM's first field (container_id), read without the whole events schema. */
function decodeContainerId(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes || bytes[0] !== 0x0a) return undefined;
  const len = bytes[1] ?? 0;
  return Buffer.from(bytes.subarray(2, 2 + len)).toString('utf8');
}

interface TaskProbe {
  live: boolean;
  exitStatus: number;
}

/** none and host: the engine writes hosts, resolv.conf and hostname; networking does for the rest. */
function engineWritesFiles(mode: string): boolean {
  return mode === 'none' || mode === 'host';
}

function findInitBinaryOrThrow(configured: string | undefined): string {
  try {
    return findInitBinary(configured);
  } catch (err) {
    throw badRequest((err as Error).message);
  }
}


let cgroupV2Cache: boolean | undefined;
function isCgroupV2(): boolean {
  cgroupV2Cache ??= fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
  return cgroupV2Cache;
}

