// The shim's tasks: each a container with its init and exec processes, driven through an OCI runtime.
// Protocol-free: the gRPC service in server/ translates requests to these calls.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GrpcError, Code } from '@stack/proto';
import { exitCodeOf, linuxSyscalls as sys, waitForChild } from '@stack/runc-ts';
import { TaskEventBus } from '../events/task-events.js';
import { forgetProcess, recordExit, recordProcess, type ExitInfo } from '../exit/exit-record.js';
import { ProcessIo, type StdioSpec } from '../io/process-io.js';
import { mountRootfs, unmountRootfs, type MountSpec } from '../mount/rootfs-mounts.js';
import type { OciRuntime } from '../runtime/oci-runtime.js';
import { checkId } from './task-ids.js';
import { TaskProcess } from './task-process.js';

export interface RuntimeOptions {
  /** A runc-compatible binary; absent: runc-ts in-process. */
  binaryName?: string;
  root?: string;
  noPivot?: boolean;
  noNewKeyring?: boolean;
}

export interface CreateTask {
  namespace: string;
  id: string;
  bundle: string;
  rootfs: readonly MountSpec[];
  stdio: StdioSpec;
  options: RuntimeOptions;
}

interface Task {
  namespace: string;
  id: string;
  bundle: string;
  runtime: OciRuntime;
  mountedRootfs: boolean;
  init: TaskProcess;
  execs: Map<string, TaskProcess>;
  stopOom?: () => void;
}

export interface ManagerOptions {
  /** Where exit records live: <stateDir>/<namespace>/<id>/. */
  stateDir: string;
  runtimeFor(namespace: string, options: RuntimeOptions): OciRuntime;
  log(level: 'info' | 'warn' | 'error', msg: string): void;
  /** Called when the last task is gone (a grouped shim may then exit). */
  onIdle?: () => void;
  /** Watches OOM kills of a container, if the runtime can (in-process runc-ts). */
  watchOom?(runtime: OciRuntime, id: string, onOom: () => void): (() => void) | undefined;
}

/** How long an exit waits for the process's output to drain before it is reported. */
const DRAIN_MS = 2000;

export class TaskManager {
  readonly events: TaskEventBus;
  private readonly tasks = new Map<string, Task>();
  /** Set when the shim is leaving: new tasks must go to a new shim. */
  closed = false;

  constructor(private readonly opts: ManagerOptions) {
    this.events = new TaskEventBus((err, e) => opts.log('error', `a subscriber of ${e.topic} (${e.namespace}) failed: ${(err as Error).stack ?? String(err)}`));
  }

  private key(ns: string, id: string): string {
    return `${ns}/${id}`;
  }

  private taskDir(ns: string, id: string): string {
    return path.join(this.opts.stateDir, checkId('namespace', ns), checkId('task id', id));
  }

  /** Creates in progress: a Shutdown arriving meanwhile must not take their containers down. */
  private creating = 0;

  /** Tasks held, counting those being created. */
  get size(): number {
    return this.tasks.size + this.creating;
  }

  task(ns: string, id: string): Task {
    const t = this.tasks.get(this.key(ns, id));
    if (!t) throw GrpcError.notFound(`task ${id}`);
    return t;
  }

  process(ns: string, id: string, execId: string): TaskProcess {
    const t = this.task(ns, id);
    if (!execId) return t.init;
    const p = t.execs.get(execId);
    if (!p) throw GrpcError.notFound(`process ${execId} of task ${id}`);
    return p;
  }

  list(): Task[] {
    return [...this.tasks.values()];
  }

  /** Watches a process's exit: records it durably, lets its output drain, then tells everyone. */
  private watch(task: Task, proc: TaskProcess): void {
    const what = `${task.namespace}/${task.id}/${proc.execId || 'init'} (pid ${proc.pid})`;
    try {
      recordProcess(this.taskDir(task.namespace, task.id), proc.execId, proc.pid);
    } catch (err) {
      this.opts.log('error', `cannot record the pid of ${what}: ${(err as Error).message}`);
    }
    waitForChild(sys, proc.pid)
      .then(
        async (raw) => {
          const exit: ExitInfo = { pid: proc.pid, status: exitCodeOf(raw), exitedAt: new Date() };
          try {
            recordExit(this.taskDir(task.namespace, task.id), proc.execId, exit);
          } catch (err) {
            this.opts.log('error', `cannot record the exit of ${what}: ${(err as Error).message}`);
          }
          await proc.io.drained(DRAIN_MS);
          proc.exited(exit);
          this.events.publish(task.namespace, '/tasks/exit', {
            containerId: task.id,
            id: proc.execId || task.id,
            pid: proc.pid,
            exitStatus: exit.status,
            exitedAt: exit.exitedAt,
          });
        },
        (err: unknown) => this.opts.log('error', `cannot wait for ${what}: ${(err as Error).message}`),
      )
      .catch((err: unknown) => this.opts.log('error', `reporting the exit of ${what} failed: ${(err as Error).stack ?? String(err)}`));
  }

  async create(req: CreateTask): Promise<number> {
    if (this.closed) throw new GrpcError(Code.UNAVAILABLE, 'this shim is shutting down');
    checkId('namespace', req.namespace);
    checkId('task id', req.id);
    const key = this.key(req.namespace, req.id);
    if (this.tasks.has(key)) throw GrpcError.alreadyExists(`task ${req.id}`);
    const runtime = this.opts.runtimeFor(req.namespace, req.options);
    const io = ProcessIo.open(req.stdio, (m) => this.opts.log('warn', `${req.id}: ${m}`));
    let mounted = false;
    this.creating++;
    try {
      if (req.rootfs.length) {
        mountRootfs(req.bundle, req.rootfs);
        mounted = true;
      }
      const pid = await runtime.create({
        id: req.id,
        bundle: req.bundle,
        noPivot: req.options.noPivot ?? false,
        noNewKeyring: req.options.noNewKeyring ?? false,
        ...(io.childStdio ? { stdio: io.childStdio } : {}),
        ...(io.consoleSocket !== undefined ? { consoleSocket: io.consoleSocket } : {}),
      });
      io.handedOver();
      if (req.stdio.terminal) io.receiveMaster();
      const init = new TaskProcess(req.id, '', req.stdio, io);
      init.pid = pid;
      const task: Task = { namespace: req.namespace, id: req.id, bundle: req.bundle, runtime, mountedRootfs: mounted, init, execs: new Map() };
      this.tasks.set(key, task);
      fs.rmSync(this.taskDir(req.namespace, req.id), { recursive: true, force: true }); // exits of an earlier task with this id
      this.watch(task, init);
      const stopOom = this.opts.watchOom?.(runtime, req.id, () => this.events.publish(req.namespace, '/tasks/oom', { containerId: req.id }));
      if (stopOom) task.stopOom = stopOom;
      this.events.publish(req.namespace, '/tasks/create', {
        containerId: req.id,
        bundle: req.bundle,
        rootfs: req.rootfs,
        io: { stdin: req.stdio.stdin, stdout: req.stdio.stdout, stderr: req.stdio.stderr, terminal: req.stdio.terminal },
        pid,
      });
      return pid;
    } catch (err) {
      io.close();
      if (mounted) unmountRootfs(req.bundle);
      if (err instanceof GrpcError) throw err;
      this.opts.log('warn', `create ${req.id}: ${(err as Error).stack ?? String(err)}`);
      throw new GrpcError(Code.UNKNOWN, (err as Error).message);
    } finally {
      this.creating--;
    }
  }

  async start(ns: string, id: string, execId: string): Promise<number> {
    const task = this.task(ns, id);
    const proc = this.process(ns, id, execId);
    if (proc.status !== 'created') throw GrpcError.failedPrecondition(`process ${execId || id} is ${proc.status}, not created`);
    if (!execId) {
      await task.runtime.start(id).catch((err: Error) => {
        this.opts.log('warn', `start ${id}: ${err.stack ?? String(err)}`);
        throw new GrpcError(Code.UNKNOWN, err.message);
      });
      // A quick process may already have exited (and be marked stopped) while `start` returned.
      if (proc.status === 'created') proc.status = 'running';
      this.events.publish(ns, '/tasks/start', { containerId: id, pid: proc.pid });
      return proc.pid;
    }
    if (task.init.status === 'stopped') throw GrpcError.failedPrecondition(`cannot start exec ${execId}: task ${id} has stopped`);
    try {
      proc.pid = await task.runtime.exec({
        id,
        execId,
        process: proc.spec,
        ...(proc.io.childStdio ? { stdio: proc.io.childStdio } : {}),
        ...(proc.io.consoleSocket !== undefined ? { consoleSocket: proc.io.consoleSocket } : {}),
      });
    } catch (err) {
      proc.io.close();
      task.execs.delete(execId);
      throw new GrpcError(Code.UNKNOWN, (err as Error).message);
    }
    proc.io.handedOver();
    if (proc.stdio.terminal) proc.io.receiveMaster();
    proc.status = 'running';
    this.watch(task, proc);
    this.events.publish(ns, '/tasks/exec-started', { containerId: id, execId, pid: proc.pid });
    return proc.pid;
  }

  exec(ns: string, id: string, execId: string, stdio: StdioSpec, spec: unknown): void {
    const task = this.task(ns, id);
    if (!execId) throw GrpcError.invalidArgument('exec id must not be empty');
    checkId('exec id', execId);
    if (task.execs.has(execId)) throw GrpcError.alreadyExists(`process ${execId} of task ${id}`);
    if (task.init.status === 'stopped') throw GrpcError.failedPrecondition(`cannot exec in task ${id}: it has stopped`);
    const io = ProcessIo.open(stdio, (m) => this.opts.log('warn', `${id}/${execId}: ${m}`));
    task.execs.set(execId, new TaskProcess(id, execId, stdio, io, spec));
    this.events.publish(ns, '/tasks/exec-added', { containerId: id, execId });
  }

  async kill(ns: string, id: string, execId: string, signal: number, all: boolean): Promise<void> {
    const task = this.task(ns, id);
    const proc = this.process(ns, id, execId);
    if (proc.status === 'stopped') throw GrpcError.notFound(`process ${execId || id}: process already finished`);
    if (execId) {
      // Not started: no pid yet, and kill(0) would signal the shim's own process group (the shim).
      if (proc.status === 'created' || proc.pid <= 0) throw GrpcError.failedPrecondition(`process ${execId}: process not created`);
      try {
        process.kill(proc.pid, signal);
      } catch (err) {
        throw new GrpcError(Code.UNKNOWN, `cannot signal ${execId}: ${(err as Error).message}`);
      }
      return;
    }
    await task.runtime.kill(id, signal, all).catch((err: Error) => {
      throw new GrpcError(Code.UNKNOWN, err.message);
    });
  }

  async delete(ns: string, id: string, execId: string): Promise<{ pid: number; exit: ExitInfo | undefined }> {
    const task = this.task(ns, id);
    const proc = this.process(ns, id, execId);
    if (proc.status !== 'stopped' && proc.status !== 'created') {
      throw GrpcError.failedPrecondition(`cannot delete ${execId ? `process ${execId}` : `task ${id}`}: it is ${proc.status}`);
    }
    if (execId) {
      proc.io.close();
      task.execs.delete(execId);
      forgetProcess(this.taskDir(ns, id), execId);
      return { pid: proc.pid, exit: proc.exit };
    }
    task.stopOom?.();
    try {
      await task.runtime.delete(id, true);
    } catch (err) {
      this.opts.log('warn', `delete ${id}: ${(err as Error).message}`);
    }
    for (const e of task.execs.values()) e.io.close();
    proc.io.close();
    if (task.mountedRootfs) unmountRootfs(task.bundle);
    this.tasks.delete(this.key(ns, id));
    fs.rmSync(this.taskDir(ns, id), { recursive: true, force: true });
    this.events.publish(ns, '/tasks/delete', { containerId: id, pid: proc.pid, exitStatus: proc.exit?.status ?? 0, exitedAt: proc.exit?.exitedAt });
    if (this.tasks.size === 0) this.opts.onIdle?.();
    return { pid: proc.pid, exit: proc.exit };
  }

  async pause(ns: string, id: string): Promise<void> {
    const task = this.task(ns, id);
    if (task.init.status !== 'running') throw GrpcError.failedPrecondition(`cannot pause task ${id}: it is ${task.init.status}`);
    await task.runtime.pause(id).catch((err: Error) => {
      throw new GrpcError(Code.UNKNOWN, err.message);
    });
    task.init.status = 'paused';
    this.events.publish(ns, '/tasks/paused', { containerId: id });
  }

  async resume(ns: string, id: string): Promise<void> {
    const task = this.task(ns, id);
    if (task.init.status !== 'paused') throw GrpcError.failedPrecondition(`cannot resume task ${id}: it is ${task.init.status}`);
    await task.runtime.resume(id).catch((err: Error) => {
      throw new GrpcError(Code.UNKNOWN, err.message);
    });
    task.init.status = 'running';
    this.events.publish(ns, '/tasks/resumed', { containerId: id });
  }

  async update(ns: string, id: string, resources: unknown): Promise<void> {
    const task = this.task(ns, id);
    if (task.init.status === 'stopped') throw GrpcError.failedPrecondition(`cannot update task ${id}: it has stopped`);
    await task.runtime.update(id, resources).catch((err: Error) => {
      throw new GrpcError(Code.UNKNOWN, err.message);
    });
  }

  async stats(ns: string, id: string): Promise<Awaited<ReturnType<OciRuntime['stats']>>> {
    const task = this.task(ns, id);
    return task.runtime.stats(id).catch((err: Error) => {
      throw new GrpcError(Code.UNKNOWN, err.message);
    });
  }

  /** Pids in the container, each with the exec id that started it (if any). */
  async pids(ns: string, id: string): Promise<{ pid: number; execId: string }[]> {
    const task = this.task(ns, id);
    const pids = await task.runtime.pids(id).catch((err: Error) => {
      throw new GrpcError(Code.UNKNOWN, err.message);
    });
    const byPid = new Map([...task.execs.values()].map((e) => [e.pid, e.execId]));
    return pids.map((pid) => ({ pid, execId: byPid.get(pid) ?? '' }));
  }

  resizePty(ns: string, id: string, execId: string, width: number, height: number): void {
    const proc = this.process(ns, id, execId);
    try {
      proc.io.resize(width, height);
    } catch (err) {
      throw GrpcError.failedPrecondition((err as Error).message);
    }
  }

  closeIO(ns: string, id: string, execId: string): void {
    this.process(ns, id, execId).io.closeStdin();
  }

  /** Every pid the shim watches itself (the orphan reaper leaves these alone). */
  ownedPids(): Set<number> {
    const out = new Set<number>();
    for (const t of this.tasks.values()) {
      out.add(t.init.pid);
      for (const e of t.execs.values()) if (e.pid) out.add(e.pid);
    }
    return out;
  }
}
