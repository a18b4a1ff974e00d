// Contains every call to itself: an error a handler did not expect (not a GrpcError it chose) is
// logged with the method, namespace and ids, and the caller gets UNKNOWN; nothing escapes to the
// process, where it would end the shim and every container it serves.
import { GrpcError, Code, type CallContext } from '@stack/proto';
import type { Log } from '../daemon/log.js';

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return typeof v === 'object' && v !== null && Symbol.asyncIterator in v;
}

/** What a log line says about a call: its method, namespace and the ids in its request. */
function describeCall(method: string, req: unknown, ctx: CallContext): string {
  const r = (typeof req === 'object' && req !== null ? req : {}) as { id?: unknown; execId?: unknown };
  const ids = [r.id, r.execId].filter((v): v is string => typeof v === 'string' && v !== '').join('/');
  return `${method} ns=${ctx.header('containerd-namespace') ?? '-'}${ids ? ` ${ids}` : ''}`;
}

export function containCall(method: string, err: unknown, req: unknown, ctx: CallContext, log: Log): GrpcError {
  if (err instanceof GrpcError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  log('error', `${describeCall(method, req, ctx)}: unexpected error, contained to this call: ${e.stack ?? e.message}`);
  return new GrpcError(Code.UNKNOWN, e.message);
}

async function* containStream<T>(method: string, it: AsyncIterable<T>, req: unknown, ctx: CallContext, log: Log): AsyncIterable<T> {
  try {
    yield* it;
  } catch (err) {
    // A stream the client cancelled ends quietly: nobody is left to tell.
    if (ctx.signal.aborted) return;
    throw containCall(method, err, req, ctx, log);
  }
}

/** Wraps each handler of a service implementation (unary and streaming) in containCall. */
export function guardCalls<T extends object>(service: string, impl: T, log: Log): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(impl)) {
    if (typeof fn !== 'function') continue;
    const method = `${service}/${name}`;
    out[name] = (req: unknown, ctx: CallContext) => {
      let res: unknown;
      try {
        res = (fn as (r: unknown, c: CallContext) => unknown).call(impl, req, ctx);
      } catch (err) {
        throw containCall(method, err, req, ctx, log);
      }
      if (res instanceof Promise) return res.catch((err: unknown) => Promise.reject(containCall(method, err, req, ctx, log)));
      if (isAsyncIterable(res)) return containStream(method, res, req, ctx, log);
      return res;
    };
  }
  return out as T;
}
