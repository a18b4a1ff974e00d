// stack.tasks.v1.TaskStreams on the daemon's socket: attach proxied to the task's shim, so clients
// (the engine) need only containerd-ts's address.
import type * as grpc from '@grpc/grpc-js';
import { addService, AsyncQueue, Code, GrpcError } from '@stack/proto';
import { TaskStreams, type AttachRequest } from '@stack/proto/gen/stack/tasks/v1/streams_pb';
import type { TaskRuntime } from '../core/tasks/task-runtime.js';
import { ctxOf, guarded } from './grpc-context.js';

export function registerTaskStreams(server: grpc.Server, runtime: TaskRuntime): void {
  addService(
    server,
    TaskStreams,
    guarded({
      async *attach(requests: AsyncIterable<AttachRequest>, call) {
        const ctx = ctxOf(call);
        const it = requests[Symbol.asyncIterator]();
        const first = await it.next();
        if (first.done || first.value.kind.case !== 'open') throw new GrpcError(Code.INVALID_ARGUMENT, 'the first attach request must open a process');
        const shim = await runtime.taskShim(ctx, first.value.kind.value.containerId);
        const upstream = new AsyncQueue<AttachRequest>();
        upstream.push(first.value);
        // Client → shim; stops when either side is done (a push after the shim's stream ended is dropped).
        void (async () => {
          try {
            for (;;) {
              const r = await it.next();
              if (r.done || !upstream.push(r.value)) break;
            }
          } catch {
            // the client went away
          }
          upstream.end();
        })();
        try {
          yield* shim.streams.attach(upstream, { signal: call.signal });
        } finally {
          upstream.end();
        }
      },
      events() {
        throw new GrpcError(Code.UNIMPLEMENTED, 'task events are on containerd.services.events.v1.Events');
      },
    }),
  );
}
