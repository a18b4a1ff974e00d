// containerd.services.tasks.v1.Tasks: a thin adapter over the task runtime and the shims.
import type * as grpc from '@grpc/grpc-js';
import { addService, Code, GrpcError } from '@stack/proto';
import { Tasks } from '@stack/proto/gen/containerd/services/tasks/v1/tasks_pb';
import type { StateResponse } from '@stack/proto/gen/containerd/runtime/task/v2/shim_pb';
import type { Process } from '@stack/proto/gen/containerd/types/task/task_pb';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ProcessSchema } from '@stack/proto/gen/containerd/types/task/task_pb';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { parseFilters } from '../core/filters/filter.js';
import type { TaskRuntime } from '../core/tasks/task-runtime.js';
import { containerdMetricsAny } from '../core/tasks/metrics-type.js';
import { anyFromMsg, ctxOf, guarded } from './grpc-context.js';

function processMsg(containerId: string, s: StateResponse): MessageInitShape<typeof ProcessSchema> {
  return {
    containerId,
    // containerd reports the init process under the container's id
    id: s.execId || containerId,
    pid: s.pid,
    status: s.status,
    stdin: s.stdin,
    stdout: s.stdout,
    stderr: s.stderr,
    terminal: s.terminal,
    exitStatus: s.exitStatus,
    ...(s.exitedAt ? { exitedAt: s.exitedAt } : {}),
  };
}

function processField(p: Process | MessageInitShape<typeof ProcessSchema>, fp: string[]): string | undefined {
  switch (fp[0]) {
    case 'id':
    case 'container_id':
      return p.containerId;
    case 'status':
      return String(p.status);
    default:
      return undefined;
  }
}

export function registerTasks(server: grpc.Server, runtime: TaskRuntime): void {
  addService(
    server,
    Tasks,
    guarded({
      async create(req, call) {
        const ctx = ctxOf(call);
        if (req.checkpoint) throw new GrpcError(Code.UNIMPLEMENTED, 'restoring a task from a checkpoint is not supported');
        const options = anyFromMsg(req.options);
        const pid = await runtime.create(ctx, {
          id: req.containerId,
          rootfs: req.rootfs.map((m) => ({ type: m.type, source: m.source, options: m.options })),
          stdin: req.stdin,
          stdout: req.stdout,
          stderr: req.stderr,
          terminal: req.terminal,
          ...(options ? { options } : {}),
        });
        return { containerId: req.containerId, pid };
      },
      async start(req, call) {
        const shim = await runtime.taskShim(ctxOf(call), req.containerId);
        return { pid: (await shim.task.start({ id: req.containerId, execId: req.execId })).pid };
      },
      async delete(req, call) {
        const r = await runtime.delete(ctxOf(call), req.containerId);
        return { id: req.containerId, pid: r.pid, exitStatus: r.exitStatus, ...(r.exitedAt ? { exitedAt: timestampFromDate(r.exitedAt) } : {}) };
      },
      async deleteProcess(req, call) {
        if (!req.execId) throw new GrpcError(Code.INVALID_ARGUMENT, 'exec id is required (delete the task itself with Delete)');
        const shim = await runtime.taskShim(ctxOf(call), req.containerId);
        const r = await shim.task.delete({ id: req.containerId, execId: req.execId });
        return { id: req.execId, pid: r.pid, exitStatus: r.exitStatus, ...(r.exitedAt ? { exitedAt: r.exitedAt } : {}) };
      },
      async get(req, call) {
        const shim = await runtime.taskShim(ctxOf(call), req.containerId);
        return { process: processMsg(req.containerId, await shim.task.state({ id: req.containerId, execId: req.execId })) };
      },
      async list(req, call) {
        const ctx = ctxOf(call);
        const filter = parseFilters(req.filter ? [req.filter] : []);
        const tasks: MessageInitShape<typeof ProcessSchema>[] = [];
        for (const t of runtime.recorded(ctx.namespace)) {
          try {
            const shim = await runtime.shim(ctx.namespace);
            const p = processMsg(t.id, await shim.task.state({ id: t.id }));
            if (filter((fp) => processField(p, fp))) tasks.push(p);
          } catch {
            // a task being deleted right now
          }
        }
        return { tasks };
      },
      async kill(req, call) {
        const shim = await runtime.taskShim(ctxOf(call), req.containerId);
        await shim.task.kill({ id: req.containerId, execId: req.execId, signal: req.signal, all: req.all });
        return {};
      },
      async exec(req, call) {
        if (!req.execId) throw new GrpcError(Code.INVALID_ARGUMENT, 'exec id must not be empty');
        const shim = await runtime.taskShim(ctxOf(call), req.containerId);
        await shim.task.exec({ id: req.containerId, execId: req.execId, terminal: req.terminal, stdin: req.stdin, stdout: req.stdout, stderr: req.stderr, ...(req.spec ? { spec: req.spec } : {}) });
        return {};
      },
      async resizePty(req, call) {
        const shim = await runtime.taskShim(ctxOf(call), req.containerId);
        // As containerd: resizing a process that has no terminal is a no-op.
        if (!(await shim.task.state({ id: req.containerId, execId: req.execId })).terminal) return {};
        await shim.task.resizePty({ id: req.containerId, execId: req.execId, width: req.width, height: req.height });
        return {};
      },
      async closeIO(req, call) {
        const shim = await runtime.taskShim(ctxOf(call), req.containerId);
        await shim.task.closeIO({ id: req.containerId, execId: req.execId, stdin: req.stdin });
        return {};
      },
      async pause(req, call) {
        const shim = await runtime.taskShim(ctxOf(call), req.containerId);
        await shim.task.pause({ id: req.containerId });
        return {};
      },
      async resume(req, call) {
        const shim = await runtime.taskShim(ctxOf(call), req.containerId);
        await shim.task.resume({ id: req.containerId });
        return {};
      },
      async listPids(req, call) {
        const shim = await runtime.taskShim(ctxOf(call), req.containerId);
        return { processes: (await shim.task.pids({ id: req.containerId })).processes };
      },
      async checkpoint() {
        throw new GrpcError(Code.UNIMPLEMENTED, 'checkpointing tasks is not supported');
      },
      async update(req, call) {
        const shim = await runtime.taskShim(ctxOf(call), req.containerId);
        await shim.task.update({ id: req.containerId, ...(req.resources ? { resources: req.resources } : {}), annotations: req.annotations });
        return {};
      },
      async metrics(req, call) {
        const ctx = ctxOf(call);
        const filter = parseFilters(req.filters);
        const metrics = [];
        for (const t of runtime.recorded(ctx.namespace)) {
          if (!filter((fp) => (fp[0] === 'id' ? t.id : undefined))) continue;
          try {
            const shim = await runtime.shim(ctx.namespace);
            const { stats } = await shim.task.stats({ id: t.id });
            metrics.push({ timestamp: timestampFromDate(new Date()), id: t.id, ...(stats ? { data: containerdMetricsAny(stats) } : {}) });
          } catch {
            // a task that stopped has no cgroup to read
          }
        }
        return { metrics };
      },
      async wait(req, call) {
        const shim = await runtime.taskShim(ctxOf(call), req.containerId);
        const r = await shim.task.wait({ id: req.containerId, execId: req.execId }, { signal: call.signal });
        return { exitStatus: r.exitStatus, ...(r.exitedAt ? { exitedAt: r.exitedAt } : {}) };
      },
    }),
  );
}
