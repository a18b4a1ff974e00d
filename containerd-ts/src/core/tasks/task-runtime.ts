// The task side of containerd-ts (containerd's io.containerd.runtime.v2.task): a bundle per task under
// the state dir, the shim that runs it (one shim-ts per namespace), and recovery after a restart —
// reconnect to live shims, clean up after dead ones.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '../errdefs.js';
import { packEvent } from '../events/any.js';
import type { Exchange } from '../events/exchange.js';
import type { Logger } from '../log/logger.js';
import type { ContainerStore } from '../metadata/containers.js';
import type { AnyRecord } from '../metadata/records.js';
import type { Ctx } from '../namespaces/context.js';
import { TaskDeleteSchema, TaskExitSchema } from '@stack/proto/gen/containerd/events/task_pb';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, isGrpcCode } from '@stack/proto';
import { EventRelay } from './event-relay.js';
import { checkRuntimeBinary, checkRuntimeName, runtimeBinaryOf } from './runtime-options.js';
import { ShimConnection } from './shim-connection.js';
import type { ShimLauncher } from './shim-launcher.js';

export interface TaskRuntimeOptions {
  /** <state>/io.containerd.runtime.v2.task: <namespace>/<id>/ is a task's bundle. */
  stateDir: string;
  launcher: ShimLauncher;
  exchange: Exchange;
  containers: ContainerStore;
  log: Logger;
  /**
   * How long a namespace's shim stays after its last task is deleted, ready for the next one (a
   * new shim costs two Node boots, ~0.5 s); 0 stops it at once.
   */
  shimIdleMs?: number;
}

export const DEFAULT_SHIM_IDLE_MS = 30_000;

export interface CreateTaskInput {
  id: string;
  rootfs: { type: string; source: string; options: string[] }[];
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
  options?: AnyRecord;
}

interface Live {
  conn: ShimConnection;
  relay: EventRelay;
}

export class TaskRuntime {
  private readonly shims = new Map<string, Live>();
  private readonly starting = new Map<string, Promise<Live>>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly opts: TaskRuntimeOptions) {
    fs.mkdirSync(opts.stateDir, { recursive: true, mode: 0o711 });
  }

  bundle(ns: string, id: string): string {
    return path.join(this.opts.stateDir, ns, id);
  }

  private positionFile(ns: string): string {
    return path.join(this.opts.stateDir, `${ns}.events`);
  }

  /** Tasks recorded on disk, per namespace. */
  recorded(ns?: string): { namespace: string; id: string }[] {
    const out: { namespace: string; id: string }[] = [];
    const namespaces = ns !== undefined ? [ns] : fs.readdirSync(this.opts.stateDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    for (const n of namespaces) {
      const dir = path.join(this.opts.stateDir, n);
      if (!fs.existsSync(dir)) continue;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'config.json'))) out.push({ namespace: n, id: e.name });
    }
    return out;
  }

  private adopt(ns: string, socket: string): Live {
    const conn = new ShimConnection(ns, socket, ns);
    const relay = new EventRelay(conn, this.positionFile(ns), this.opts.exchange, this.opts.log, () => void this.shimGone(ns, conn), () => this.opts.launcher.existing(ns) === socket);
    const live = { conn, relay };
    this.shims.set(ns, live);
    void relay.run().catch((err: unknown) => this.opts.log.warn('event relay failed', { namespace: ns, error: (err as Error).message }));
    return live;
  }

  /** The namespace's shim, started and connected if needed. */
  async shim(ns: string): Promise<ShimConnection> {
    const live = this.shims.get(ns);
    if (live) return live.conn;
    let pending = this.starting.get(ns);
    if (!pending) {
      pending = this.opts.launcher.start(ns).then((socket) => this.adopt(ns, socket));
      this.starting.set(ns, pending);
      void pending.finally(() => this.starting.delete(ns)).catch(() => undefined);
    }
    return (await pending).conn;
  }

  /** The shim of an existing task; NotFound when there is no task. */
  async taskShim(ctx: Ctx, id: string): Promise<ShimConnection> {
    if (!fs.existsSync(path.join(this.bundle(ctx.namespace, id), 'config.json'))) throw notFound(`task ${id}`);
    return this.shim(ctx.namespace);
  }

  async create(ctx: Ctx, req: CreateTaskInput): Promise<number> {
    const container = this.opts.containers.get(ctx, req.id);
    if (!container.spec) throw failedPrecondition(`container ${req.id} has no spec`);
    checkRuntimeName(container.runtime.name);
    const bundle = this.bundle(ctx.namespace, req.id);
    if (fs.existsSync(path.join(bundle, 'config.json'))) throw alreadyExists(`task ${req.id}`);
    let spec: unknown;
    try {
      spec = JSON.parse(Buffer.from(container.spec.value).toString('utf8'));
    } catch (err) {
      throw invalidArgument(`container ${req.id}: the spec is not OCI runtime-spec JSON: ${(err as Error).message}`);
    }
    fs.mkdirSync(bundle, { recursive: true, mode: 0o711 });
    const tmp = path.join(bundle, '.config.json.tmp');
    fs.writeFileSync(tmp, JSON.stringify(spec));
    fs.renameSync(tmp, path.join(bundle, 'config.json'));
    const options = req.options ?? container.runtime.options;
    const request = { id: req.id, bundle, rootfs: req.rootfs, terminal: req.terminal, stdin: req.stdin, stdout: req.stdout, stderr: req.stderr, ...(options ? { options } : {}) };
    try {
      const binary = runtimeBinaryOf(options);
      if (binary !== undefined) checkRuntimeBinary(binary, bundle);
      try {
        return (await (await this.shim(ctx.namespace)).task.create(request)).pid;
      } catch (err) {
        // The namespace's shim was leaving (its last task just went): start a new one.
        if (!isGrpcCode(err, Code.UNAVAILABLE)) throw err;
        this.forget(ctx.namespace);
        return (await (await this.shim(ctx.namespace)).task.create(request)).pid;
      }
    } catch (err) {
      fs.rmSync(bundle, { recursive: true, force: true });
      throw err;
    }
  }

  /** Deletes the task in its shim, then its bundle; the shim leaves once it holds no task. */
  async delete(ctx: Ctx, id: string): Promise<{ pid: number; exitStatus: number; exitedAt?: Date }> {
    const shim = await this.taskShim(ctx, id);
    const r = await shim.task.delete({ id });
    fs.rmSync(this.bundle(ctx.namespace, id), { recursive: true, force: true });
    if (this.recorded(ctx.namespace).length === 0) this.whenIdle(ctx.namespace);
    return { pid: r.pid, exitStatus: r.exitStatus, ...(r.exitedAt ? { exitedAt: new Date(Number(r.exitedAt.seconds) * 1000 + r.exitedAt.nanos / 1e6) } : {}) };
  }

  /** The namespace holds no task: its shim leaves after the idle time unless a task came meanwhile. */
  private whenIdle(ns: string): void {
    clearTimeout(this.idleTimers.get(ns));
    const ms = this.opts.shimIdleMs ?? DEFAULT_SHIM_IDLE_MS;
    const t = setTimeout(() => {
      this.idleTimers.delete(ns);
      void this.stopIdleShim(ns);
    }, ms);
    t.unref();
    this.idleTimers.set(ns, t);
  }

  /**
   * Shuts the shim down if the namespace still has no task. A Create racing with this either holds
   * a task in the shim (which then refuses to leave) or gets UNAVAILABLE and starts a new shim.
   */
  private async stopIdleShim(ns: string): Promise<void> {
    const live = this.shims.get(ns);
    if (!live || this.recorded(ns).length > 0) return;
    await live.conn.task.shutdown({}).catch(() => undefined);
    if (this.recorded(ns).length === 0) this.forget(ns);
  }

  /** Drops the namespace's shim connection (it is leaving); the next call starts a new shim. */
  private forget(ns: string): void {
    const live = this.shims.get(ns);
    if (!live) return;
    this.shims.delete(ns);
    live.relay.stop();
    live.conn.close();
  }

  /**
   * A shim that went away with tasks still recorded died: its containers are killed and cleaned up
   * by `shim-ts delete`, and reported exited with the status the shim recorded (or as killed).
   */
  private async shimGone(ns: string, conn: ShimConnection): Promise<void> {
    if (this.shims.get(ns)?.conn === conn) this.shims.delete(ns);
    conn.close();
    for (const t of this.recorded(ns)) {
      const bundle = this.bundle(ns, t.id);
      try {
        const r = await this.opts.launcher.cleanup(ns, t.id, bundle);
        const exitedAt = timestampFromDate(r.exitedAt);
        this.opts.exchange.publish(ns, '/tasks/exit', packEvent(TaskExitSchema, { containerId: t.id, id: t.id, pid: r.pid, exitStatus: r.exitStatus, exitedAt }));
        this.opts.exchange.publish(ns, '/tasks/delete', packEvent(TaskDeleteSchema, { containerId: t.id, pid: r.pid, exitStatus: r.exitStatus, exitedAt }));
        this.opts.log.warn('the shim of a task died: task cleaned up', { namespace: ns, task: t.id, exitStatus: r.exitStatus });
      } catch (err) {
        this.opts.log.error('cannot clean up after a dead shim', { namespace: ns, task: t.id, error: (err as Error).message });
      }
      fs.rmSync(bundle, { recursive: true, force: true });
    }
  }

  /**
   * At start-up: reconnect to the shims of recorded tasks; clean up after those whose process died.
   * Liveness is the process's, not an answer within a deadline: a busy shim must never be taken for
   * a dead one (its containers would be killed).
   */
  async recover(): Promise<void> {
    const namespaces = new Set(this.recorded().map((t) => t.namespace));
    await this.stopStrayShims(namespaces);
    for (const ns of namespaces) {
      const socket = this.opts.launcher.existing(ns);
      if (socket) {
        this.adopt(ns, socket);
        this.opts.log.info('reconnected to a shim', { namespace: ns, tasks: this.recorded(ns).length });
      } else {
        await this.shimGone(ns, new ShimConnection(ns, '/nonexistent', ns));
      }
    }
  }

  /** Idle shims a daemon killed with -9 left behind (no task recorded in their namespace). */
  private async stopStrayShims(busy: Set<string>): Promise<void> {
    const launcher = this.opts.launcher;
    const busyGroups = new Set([...busy].map((ns) => launcher.groupOf(ns)));
    const groups = fs.existsSync(launcher.opts.stateDir) ? fs.readdirSync(launcher.opts.stateDir) : [];
    for (const group of groups.filter((g) => !busyGroups.has(g))) {
      const socket = launcher.existingGroup(group);
      if (!socket) continue;
      // A hashed group's namespace is not known here; an idle shim's shutdown needs none.
      const conn = new ShimConnection(group, socket, group.includes('+') ? 'default' : group);
      await conn.task.shutdown({}, { deadline: 3000 }).catch(() => undefined);
      conn.close();
      this.opts.log.info('stopped an idle shim left by an earlier daemon', { group });
    }
  }

  /** Stops idle shims (ones with tasks stay, by design) and drops every connection. */
  async close(): Promise<void> {
    for (const t of this.idleTimers.values()) clearTimeout(t);
    this.idleTimers.clear();
    for (const [ns, { conn }] of this.shims) {
      if (this.recorded(ns).length === 0) await conn.task.shutdown({}, { deadline: 2000 }).catch(() => undefined);
    }
    for (const { conn, relay } of this.shims.values()) {
      relay.stop();
      conn.close();
    }
    this.shims.clear();
  }
}
