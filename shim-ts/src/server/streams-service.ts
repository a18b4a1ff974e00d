// stack.tasks.v1.TaskStreams: attach to a process's stdio, and the shim's task events.
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AsyncQueue, GrpcError, type ServiceImpl, type MethodsOf } from '@stack/proto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { TaskStreams, type AttachResponseSchema, type TaskEventEnvelopeSchema } from '@stack/proto/gen/stack/tasks/v1/streams_pb';
import type { TaskEvent } from '../events/task-events.js';
import type { TaskManager } from '../task/task-manager.js';
import { eventAny } from './event-any.js';
import { namespaceOf } from './task-service.js';

type Out = MessageInitShape<typeof AttachResponseSchema>;

export function streamsService(m: TaskManager): ServiceImpl<MethodsOf<typeof TaskStreams>> {
  return {
    async *attach(requests, ctx) {
      const ns = namespaceOf(ctx);
      const it = requests[Symbol.asyncIterator]();
      const first = await it.next();
      if (first.done || first.value.kind.case !== 'open') throw GrpcError.invalidArgument('the first attach request must open a process');
      const open = first.value.kind.value;
      const proc = m.process(ns, open.containerId, open.execId);
      const out = new AsyncQueue<Out>();
      const unsubscribe = proc.io.subscribe((stream, chunk) => {
        if (stream === 'stdout' ? open.stdout : open.stderr) out.push({ kind: { case: stream, value: chunk } });
      });
      out.push({ kind: { case: 'attached', value: true } });
      void proc.wait().then(async (exit) => {
        await proc.io.drained(2000);
        out.push({ kind: { case: 'exit', value: { exitStatus: exit.status } } });
        out.end();
      });
      // Client → process: stdin bytes, resizes, end of input; runs until the client goes.
      void (async () => {
        try {
          for (let r = await it.next(); !r.done; r = await it.next()) {
            const k = r.value.kind;
            if (k.case === 'stdin' && open.stdin) proc.io.writeStdin(Buffer.from(k.value));
            else if (k.case === 'closeStdin' && k.value && open.stdin) proc.io.closeStdin();
            else if (k.case === 'resize') proc.io.resize(k.value.width, k.value.height);
          }
        } catch {
          // the client went away
        }
      })();
      ctx.signal.addEventListener('abort', () => out.end(), { once: true });
      try {
        yield* out;
      } finally {
        unsubscribe();
      }
    },
    async *events(req, ctx) {
      const out = new AsyncQueue<MessageInitShape<typeof TaskEventEnvelopeSchema>>();
      const toEnvelope = (e: TaskEvent): MessageInitShape<typeof TaskEventEnvelopeSchema> => ({
        seq: BigInt(e.seq),
        timestamp: timestampFromDate(e.timestamp),
        namespace: e.namespace,
        topic: e.topic,
        event: eventAny(e),
      });
      const unsubscribe = m.events.subscribe(Number(req.afterSeq), (e) => out.push(toEnvelope(e)));
      ctx.signal.addEventListener('abort', () => out.end(), { once: true });
      try {
        yield* out;
      } finally {
        unsubscribe();
      }
    },
  };
}
