// exec: processes started in a running container (Tasks.Exec), attached through TaskStreams before
// they start so no output is lost; exit codes kept for exec inspect.
import { frame, STDOUT } from '../../common/stdcopy.js';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { Code, isGrpcCode } from '@stack/proto';
import type { Containerd } from '../containerd/client.js';
import { badRequest, conflict, notFound, statusOf } from '../http/api-error.js';
import type { ContainerRecord } from '../state/container-record.js';
import { capabilitySet } from '../../oci/capabilities.js';
import type { OciProcess } from '../../oci/runtime-spec.js';
import { readRootfsFile } from '../../oci/rootfs-reader.js';
import { resolveUser } from '../../oci/user.js';
import { SNAPSHOTTER } from '../containerd/client.js';
import type { EventBus } from '../events/event-bus.js';
import type { ContainerManager } from './container-manager.js';
import { mergeEnv } from './create-config.js';
import { jsonAny, PROCESS_TYPE_URL } from './spec-any.js';
import { bridge, TaskAttach } from './task-attach.js';

export interface ExecConfig {
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  DetachKeys: string;
  Tty: boolean;
  Env: string[];
  Cmd: string[];
  Privileged: boolean;
  User: string;
  WorkingDir: string;
}

export interface ExecState {
  ID: string;
  ContainerID: string;
  config: ExecConfig;
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
  started: boolean;
  attach?: TaskAttach;
  /** The client's terminal size at start, when it sent one. */
  consoleSize?: { height: number; width: number };
}

export class ExecManager {
  private readonly execs = new Map<string, ExecState>();

  constructor(
    private readonly c: Containerd,
    private readonly containers: ContainerManager,
    private readonly events: EventBus,
  ) {}

  /** dockerd's exec events: `exec_create: <cmd>`, `exec_start: <cmd>`, `exec_die`, each with execID. */
  private publish(e: ExecState, action: string, extra: Record<string, string> = {}): void {
    const rec = this.containers.store.find(e.ContainerID);
    const attrs = rec ? this.containers.attributes(rec, { execID: e.ID, ...extra }) : { execID: e.ID, ...extra };
    this.events.publish('container', action, e.ContainerID, attrs);
  }

  create(rec: ContainerRecord, body: Record<string, unknown>): string {
    if (rec.State.Status === 'paused') throw conflict(`Container ${rec.ID} is paused, unpause the container before exec`);
    if (rec.State.Status !== 'running') throw conflict(`Container ${rec.ID} is not running`);
    const cmd = body.Cmd;
    if (!Array.isArray(cmd) || cmd.length === 0 || cmd.some((x) => typeof x !== 'string')) throw badRequest('No exec command specified');
    const env = body.Env;
    if (env !== undefined && env !== null && (!Array.isArray(env) || env.some((x) => typeof x !== 'string'))) throw badRequest('invalid Env: expected a list of strings');
    const id = randomBytes(32).toString('hex');
    this.execs.set(id, {
      ID: id,
      ContainerID: rec.ID,
      config: {
        AttachStdin: Boolean(body.AttachStdin),
        AttachStdout: Boolean(body.AttachStdout),
        AttachStderr: Boolean(body.AttachStderr),
        DetachKeys: typeof body.DetachKeys === 'string' ? body.DetachKeys : '',
        Tty: Boolean(body.Tty),
        Env: (env as string[] | undefined) ?? [],
        Cmd: cmd as string[],
        Privileged: Boolean(body.Privileged),
        User: typeof body.User === 'string' ? body.User : '',
        WorkingDir: typeof body.WorkingDir === 'string' ? body.WorkingDir : '',
      },
      Running: false,
      ExitCode: null,
      Pid: 0,
      started: false,
    });
    this.publish(this.execs.get(id)!, `exec_create: ${(cmd as string[]).join(' ')}`);
    return id;
  }

  get(id: string): ExecState {
    const e = this.execs.get(id);
    if (!e) throw notFound(`No such exec instance: ${id}`);
    return e;
  }

  forContainer(containerId: string): string[] {
    return [...this.execs.values()].filter((e) => e.ContainerID === containerId && e.Running).map((e) => e.ID);
  }

  dropContainer(containerId: string): void {
    for (const [id, e] of this.execs) if (e.ContainerID === containerId) this.execs.delete(id);
  }

  private async processSpec(rec: ContainerRecord, e: ExecState): Promise<OciProcess> {
    const base = (await this.containers.specOf(rec.ID)).process;
    const cfg = e.config;
    let user = base.user;
    if (cfg.User) {
      const { mounts } = await this.c.snapshots.mounts({ snapshotter: SNAPSHOTTER, key: rec.ID });
      const m = mounts.map((x) => ({ type: x.type, source: x.source, options: [...x.options] }));
      const u = resolveUser(cfg.User, readRootfsFile(m, '/etc/passwd')?.toString('utf8'), readRootfsFile(m, '/etc/group')?.toString('utf8'), rec.HostConfig.GroupAdd ?? []);
      user = { uid: u.uid, gid: u.gid, ...(u.additionalGids.length ? { additionalGids: u.additionalGids } : {}) };
    }
    const all = capabilitySet({ privileged: true, add: [], drop: [] });
    const caps = cfg.Privileged ? { bounding: all, effective: all, permitted: all } : base.capabilities;
    return {
      ...base,
      terminal: cfg.Tty,
      ...(cfg.Tty && e.consoleSize ? { consoleSize: e.consoleSize } : {}),
      user,
      args: cfg.Cmd,
      env: mergeEnv(base.env, cfg.Env),
      cwd: cfg.WorkingDir || base.cwd,
      ...(caps ? { capabilities: caps } : {}),
    };
  }

  private async launch(e: ExecState): Promise<ContainerRecord> {
    if (e.started) throw conflict(`Error: Exec command ${e.ID} has already run`);
    const rec = this.containers.store.get(e.ContainerID);
    if (rec.State.Status !== 'running') throw conflict(`Container ${rec.ID} is not running`);
    e.started = true;
    this.publish(e, `exec_start: ${e.config.Cmd.join(' ')}`);
    const spec = await this.processSpec(rec, e);
    await this.c.tasks.exec({ containerId: rec.ID, execId: e.ID, stdin: e.config.AttachStdin ? 'attach:' : '', stdout: '', stderr: '', terminal: e.config.Tty, spec: jsonAny(PROCESS_TYPE_URL, spec) });
    return rec;
  }

  /** Records the exit (synchronously: exec inspect sees it at once), then removes the process from the task. */
  private finish(e: ExecState, status: number): Promise<void> {
    e.Running = false;
    e.ExitCode = status;
    this.publish(e, 'exec_die', { exitCode: String(status) });
    return this.c.tasks.deleteProcess({ containerId: e.ContainerID, execId: e.ID }).then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * Runs an exec to its end inside the daemon (health probes): its exit code and up to `maxOutput`
   * bytes of stdout and stderr together. Past `timeoutMs` the process is killed and -1 is returned,
   * as dockerd reports a probe that timed out.
   */
  async run(id: string, timeoutMs: number, maxOutput = 4096): Promise<{ exitCode: number; output: string; timedOut: boolean }> {
    const e = this.get(id);
    await this.launch(e);
    const attach = await TaskAttach.open(this.c, { containerId: e.ContainerID, execId: e.ID, stdin: false, stdout: true, stderr: true });
    const parts: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void this.c.tasks.kill({ containerId: e.ContainerID, execId: e.ID, signal: 9, all: false }).catch(() => undefined);
    }, timeoutMs);
    let status: number | undefined;
    try {
      const { pid } = await this.c.tasks.start({ containerId: e.ContainerID, execId: e.ID });
      e.Pid = pid;
      e.Running = true;
      for (let r = await attach.next(); !r.done; r = await attach.next()) {
        const k = r.value.kind;
        if (k.case === 'exit') {
          status = k.value.exitStatus;
          break;
        }
        if ((k.case === 'stdout' || k.case === 'stderr') && size < maxOutput) {
          const chunk = Buffer.from(k.value).subarray(0, maxOutput - size);
          parts.push(chunk);
          size += chunk.length;
        }
      }
    } finally {
      clearTimeout(timer);
      attach.close();
      await this.finish(e, status ?? 137);
      this.execs.delete(e.ID);
    }
    return { exitCode: timedOut ? -1 : (status ?? -1), output: Buffer.concat(parts).toString('utf8'), timedOut };
  }

  /** Detached: starts and returns; the exit code arrives through Tasks.Wait. */
  async startDetached(id: string): Promise<void> {
    const e = this.get(id);
    await this.launch(e);
    const { pid } = await this.c.tasks.start({ containerId: e.ContainerID, execId: e.ID });
    e.Pid = pid;
    e.Running = true;
    void this.c.tasks.wait({ containerId: e.ContainerID, execId: e.ID }).then(
      (r) => this.finish(e, r.exitStatus),
      (err: unknown) => this.finish(e, isGrpcCode(err, Code.NOT_FOUND) ? 137 : 126),
    );
  }

  /** Attached: the hijacked connection carries the process's stdio until it exits. */
  async startAttached(id: string, hijack: () => Promise<Duplex>, detachKeys: number[]): Promise<void> {
    const e = this.get(id);
    await this.launch(e);
    const cfg = e.config;
    let attach: TaskAttach;
    try {
      attach = await TaskAttach.open(this.c, { containerId: e.ContainerID, execId: e.ID, stdin: cfg.AttachStdin, stdout: cfg.AttachStdout, stderr: cfg.AttachStderr });
      e.attach = attach;
      const { pid } = await this.c.tasks.start({ containerId: e.ContainerID, execId: e.ID });
      e.Pid = pid;
      e.Running = true;
    } catch (err) {
      await this.finish(e, 126);
      // As dockerd: the stream is taken over first and the error written into it (as stdout), so a
      // client that asked for an upgrade reads a message, not a JSON body as stream frames.
      const conn = await hijack();
      const text = Buffer.from(`${statusOf(err).message}\r\n`);
      conn.end(cfg.Tty ? text : frame(STDOUT, text));
      return;
    }
    const conn = await hijack();
    const r = await bridge(conn, attach, { tty: cfg.Tty, stdin: cfg.AttachStdin, stdout: cfg.AttachStdout, stderr: cfg.AttachStderr, detachKeys, stdinOnce: true, keepOnLeave: true });
    delete e.attach;
    if (r.exitStatus !== undefined) {
      // The exit code is recorded before the client's stream ends (it inspects the exec next); the
      // process's removal from the task need not hold the stream open.
      const removed = this.finish(e, r.exitStatus);
      conn.end();
      await removed;
      return;
    }
    // The client left or detached: as with dockerd the process runs on, its output dropped. The
    // stream is read to the exit rather than cancelled, which also gives the exit code.
    void attach.exitStatus().then((status) => this.finish(e, status ?? 137));
    conn.end();
  }

  async resize(id: string, width: number, height: number): Promise<void> {
    const e = this.get(id);
    if (e.attach) e.attach.resize(width, height);
    else await this.c.tasks.resizePty({ containerId: e.ContainerID, execId: e.ID, width, height });
  }
}
