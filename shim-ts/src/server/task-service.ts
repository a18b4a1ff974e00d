// containerd.task.v2.Task over gRPC: a thin adapter from the protocol to the TaskManager.
import { create } from '@bufbuild/protobuf';
import { anyPack, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { GrpcError, type CallContext, type ServiceImpl, type MethodsOf } from '@stack/proto';
import { Task } from '@stack/proto/gen/containerd/runtime/task/v2/shim_pb';
import { ProcessDetailsSchema } from '@stack/proto/gen/containerd/runc/v1/options_pb';
import { Status } from '@stack/proto/gen/containerd/types/task/task_pb';
import type { TaskManager } from '../task/task-manager.js';
import type { ProcessStatus } from '../task/task-process.js';
import { jsonFromAny, runtimeOptionsFromAny } from './any-codec.js';
import { metricsAny } from './metrics.js';

export const NAMESPACE_HEADER = 'containerd-namespace';
export const SHIM_VERSION = 'shim-ts 0.1.0';

export function namespaceOf(ctx: CallContext): string {
  const ns = ctx.header(NAMESPACE_HEADER);
  if (!ns) throw GrpcError.failedPrecondition('namespace is required (containerd-namespace header)');
  return ns;
}

const STATUS: Record<ProcessStatus, Status> = {
  created: Status.CREATED,
  running: Status.RUNNING,
  paused: Status.PAUSED,
  stopped: Status.STOPPED,
};

export function taskService(m: TaskManager, shutdown: (now: boolean) => void): ServiceImpl<MethodsOf<typeof Task>> {
  return {
    async create(req, ctx) {
      const pid = await m.create({
        namespace: namespaceOf(ctx),
        id: req.id,
        bundle: req.bundle,
        rootfs: req.rootfs.map((r) => ({ type: r.type, source: r.source, options: r.options })),
        stdio: { stdin: req.stdin, stdout: req.stdout, stderr: req.stderr, terminal: req.terminal },
        options: runtimeOptionsFromAny(req.options),
      });
      return { pid };
    },
    async start(req, ctx) {
      return { pid: await m.start(namespaceOf(ctx), req.id, req.execId) };
    },
    async delete(req, ctx) {
      const { pid, exit } = await m.delete(namespaceOf(ctx), req.id, req.execId);
      return { pid, exitStatus: exit?.status ?? 0, ...(exit ? { exitedAt: timestampFromDate(exit.exitedAt) } : {}) };
    },
    async exec(req, ctx) {
      m.exec(namespaceOf(ctx), req.id, req.execId, { stdin: req.stdin, stdout: req.stdout, stderr: req.stderr, terminal: req.terminal }, jsonFromAny(req.spec, 'exec process spec'));
      return {};
    },
    state(req, ctx) {
      const p = m.process(namespaceOf(ctx), req.id, req.execId);
      const task = m.task(namespaceOf(ctx), req.id);
      return {
        id: req.execId || req.id,
        bundle: task.bundle,
        pid: p.pid,
        status: STATUS[p.status],
        stdin: p.stdio.stdin,
        stdout: p.stdio.stdout,
        stderr: p.stdio.stderr,
        terminal: p.stdio.terminal,
        exitStatus: p.exit?.status ?? 0,
        ...(p.exit ? { exitedAt: timestampFromDate(p.exit.exitedAt) } : {}),
        execId: req.execId,
      };
    },
    async kill(req, ctx) {
      await m.kill(namespaceOf(ctx), req.id, req.execId, req.signal, req.all);
      return {};
    },
    async pids(req, ctx) {
      const pids = await m.pids(namespaceOf(ctx), req.id);
      return {
        processes: pids.map(({ pid, execId }) => ({ pid, ...(execId ? { info: anyPack(ProcessDetailsSchema, create(ProcessDetailsSchema, { execId })) } : {}) })),
      };
    },
    async pause(req, ctx) {
      await m.pause(namespaceOf(ctx), req.id);
      return {};
    },
    async resume(req, ctx) {
      await m.resume(namespaceOf(ctx), req.id);
      return {};
    },
    async update(req, ctx) {
      await m.update(namespaceOf(ctx), req.id, jsonFromAny(req.resources, 'resources'));
      return {};
    },
    resizePty(req, ctx) {
      m.resizePty(namespaceOf(ctx), req.id, req.execId, req.width, req.height);
      return {};
    },
    closeIO(req, ctx) {
      if (req.stdin) m.closeIO(namespaceOf(ctx), req.id, req.execId);
      return {};
    },
    async wait(req, ctx) {
      const exit = await m.process(namespaceOf(ctx), req.id, req.execId).wait();
      return { exitStatus: exit.status, exitedAt: timestampFromDate(exit.exitedAt) };
    },
    async stats(req, ctx) {
      return { stats: metricsAny(await m.stats(namespaceOf(ctx), req.id)) };
    },
    connect(req, ctx) {
      const task = req.id ? m.task(namespaceOf(ctx), req.id) : undefined;
      return { shimPid: process.pid, taskPid: task?.init.pid ?? 0, version: SHIM_VERSION };
    },
    shutdown(req) {
      // A shared shim goes away only when it holds no task any more (or when told `now`).
      if (req.now || m.size === 0) setImmediate(() => shutdown(req.now));
      return {};
    },
  };
}
