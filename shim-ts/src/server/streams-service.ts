// stack.tasks.v1.TaskStreams: attach to a process's stdio, and the shim's task events.
//
// Each stream ends exactly once, whichever comes first: the process's exit, the client cancelling
// or going away, or an error. Whatever arrives after that (output, a late exit) is dropped, and
// nothing a client does to its stream can reach beyond its own call.
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AsyncQueue, GrpcError, type CallContext, type ServiceImpl, type MethodsOf } from '@stack/proto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { TaskStreams, type AttachRequest, type AttachResponseSchema, type TaskEventEnvelopeSchema } from '@stack/proto/gen/stack/tasks/v1/streams_pb';
import type { Log } from '../daemon/log.js';
import type { TaskEvent } from '../events/task-events.js';
import type { TaskManager } from '../task/task-manager.js';
import type { TaskProcess } from '../task/task-process.js';
import { eventAny } from './event-any.js';
import { namespaceOf } from './task-service.js';

type Out = MessageInitShape<typeof AttachResponseSchema>;

/** Unsent output an attached client may have before the process's output waits for it, and where it resumes. */
const BACKLOG_HIGH = 1024 * 1024;
const BACKLOG_LOW = 256 * 1024;
type Open = Extract<AttachRequest['kind'], { case: 'open' }>['value'];

/** A stream's end, once: on the client's cancel, the process's exit, or the handler leaving. */
function closer(ctx: CallContext, onClose: () => void): () => void {
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    ctx.signal.removeEventListener('abort', close);
    onClose();
  };
  if (ctx.signal.aborted) close();
  else ctx.signal.addEventListener('abort', close, { once: true });
  return close;
}

/** Client → process: stdin bytes, resizes, end of input; runs until the client's side ends. */
async function relayInput(it: AsyncIterator<AttachRequest>, proc: TaskProcess, open: Open, what: string, log: Log): Promise<void> {
  for (;;) {
    let r: IteratorResult<AttachRequest>;
    try {
      r = await it.next();
    } catch {
      return; // the client went away
    }
    if (r.done) return;
    const k = r.value.kind;
    try {
      if (k.case === 'stdin' && open.stdin) proc.io.writeStdin(Buffer.from(k.value));
      else if (k.case === 'closeStdin' && k.value && open.stdin) proc.io.closeStdin();
      else if (k.case === 'resize' && proc.stdio.terminal) proc.io.resize(k.value.width, k.value.height);
    } catch (err) {
      // One bad request costs that request, not the rest of the client's input.
      log('warn', `attach ${what}: ${k.case}: ${(err as Error).message}`);
    }
  }
}

export function streamsService(m: TaskManager, log: Log): ServiceImpl<MethodsOf<typeof TaskStreams>> {
  return {
    async *attach(requests, ctx) {
      const ns = namespaceOf(ctx);
      const it = requests[Symbol.asyncIterator]();
      const first = await it.next();
      if (first.done || first.value.kind.case !== 'open') throw GrpcError.invalidArgument('the first attach request must open a process');
      const open = first.value.kind.value;
      const proc = m.process(ns, open.containerId, open.execId);
      const what = `${ns}/${open.containerId}${open.execId ? `/${open.execId}` : ''}`;
      const out = new AsyncQueue<Out>();
      let backlog = 0;
      const client = {};
      const unsubscribe = proc.io.subscribe((stream, chunk) => {
        if (!(stream === 'stdout' ? open.stdout : open.stderr) || !out.push({ kind: { case: stream, value: chunk } })) return;
        backlog += chunk.length;
        if (backlog > BACKLOG_HIGH) proc.io.setBehind(client, true);
      });
      const close = closer(ctx, () => {
        unsubscribe();
        proc.io.setBehind(client, false);
        out.end();
      });
      out.push({ kind: { case: 'attached', value: true } });
      proc
        .wait()
        .then(async (exit) => {
          await proc.io.drained(2000);
          out.push({ kind: { case: 'exit', value: { exitStatus: exit.status } } });
          close();
        })
        .catch((err: unknown) => {
          log('error', `attach ${what}: cannot report the exit: ${(err as Error).stack ?? String(err)}`);
          out.fail(err);
          close();
        });
      void relayInput(it, proc, open, what, log);
      try {
        for await (const msg of out) {
          if (msg.kind?.case === 'stdout' || msg.kind?.case === 'stderr') {
            backlog -= msg.kind.value.length;
            if (backlog < BACKLOG_LOW) proc.io.setBehind(client, false);
          }
          yield msg; // resumes once the client's connection took it
        }
      } finally {
        close();
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
      const close = closer(ctx, () => {
        unsubscribe();
        out.end();
      });
      try {
        yield* out;
      } finally {
        close();
      }
    },
  };
}
