// Serves protobuf-es service implementations with a grpc-js Server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { serviceDefinition } from './codec.js';
import { GrpcError, toServiceError } from './errors.js';
import type { CallContext, ServiceImpl } from './types.js';

export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export function createServer(options: grpc.ServerOptions = {}): grpc.Server {
  return new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    ...options,
  });
}

type AnyCall =
  | grpc.ServerUnaryCall<object, object>
  | grpc.ServerReadableStream<object, object>
  | grpc.ServerWritableStream<object, object>
  | grpc.ServerDuplexStream<object, object>;

/**
 * Streaming calls still open, per server: shutdown() ends them at once (as grpc-go's Stop does)
 * instead of waiting out its grace for streams that never end by themselves (event subscriptions).
 */
const openStreams = new WeakMap<grpc.Server, Set<() => void>>();

function contextOf(call: AnyCall): { ctx: CallContext; abort: () => void } {
  const ac = new AbortController();
  const abort = () => ac.abort(new GrpcError(grpc.status.CANCELLED, 'call cancelled'));
  if (call.cancelled) abort();
  else (call as grpc.ServerUnaryCall<object, object>).on('cancelled', abort);
  const ctx: CallContext = {
    metadata: call.metadata,
    signal: ac.signal,
    peer: call.getPeer(),
    header(name) {
      const v = call.metadata.get(name)[0];
      return v === undefined ? undefined : String(v);
    },
  };
  return { ctx, abort };
}

// Iterating a Readable destroys it when the loop ends, which would drop the status still to be sent.
function requestsOf(call: grpc.ServerReadableStream<object, object> | grpc.ServerDuplexStream<object, object>): AsyncIterable<object> {
  return call.iterator({ destroyOnReturn: false }) as AsyncIterable<object>;
}

type WritableCall = grpc.ServerWritableStream<object, object> | grpc.ServerDuplexStream<object, object>;

/** Resolves on 'drain' or when the call is cancelled, and leaves no listener behind on either. */
function drainOrCancel(call: WritableCall, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

async function writeAll(call: WritableCall, out: AsyncIterable<object>, signal: AbortSignal): Promise<void> {
  for await (const msg of out) {
    if (signal.aborted) return;
    if (!call.write(msg) && !signal.aborted) await drainOrCancel(call, signal);
  }
}

const served = new WeakMap<grpc.Server, Set<string>>();

/** Full names of the services added to a server with addService (what a health check can vouch for). */
export function servedServices(server: grpc.Server): ReadonlySet<string> {
  return served.get(server) ?? new Set();
}

/** Adds a protobuf-es service to a grpc-js server. Methods missing from impl answer UNIMPLEMENTED. */
export function addService<M extends GenServiceMethods>(server: grpc.Server, service: GenService<M>, impl: ServiceImpl<M>): void {
  const handlers: grpc.UntypedServiceImplementation = {};
  const fns = impl as Record<string, ((...args: never[]) => unknown) | undefined>;
  for (const method of service.methods) {
    const fn = fns[method.localName];
    const name = `${service.typeName}/${method.name}`;
    switch (method.methodKind) {
      case 'unary':
        handlers[method.localName] = (call: grpc.ServerUnaryCall<object, object>, cb: grpc.sendUnaryData<object>) => {
          if (!fn) return cb(toServiceError(GrpcError.unimplemented(name)) as grpc.ServiceError);
          Promise.resolve()
            .then(() => (fn as (r: object, c: CallContext) => unknown)(call.request, contextOf(call).ctx))
            .then((res) => cb(null, res as object), (err: unknown) => cb(toServiceError(err) as grpc.ServiceError));
        };
        break;
      case 'client_streaming':
        handlers[method.localName] = (call: grpc.ServerReadableStream<object, object>, cb: grpc.sendUnaryData<object>) => {
          if (!fn) return cb(toServiceError(GrpcError.unimplemented(name)) as grpc.ServiceError);
          Promise.resolve()
            .then(() => (fn as (r: AsyncIterable<object>, c: CallContext) => unknown)(requestsOf(call), contextOf(call).ctx))
            .then((res) => cb(null, res as object), (err: unknown) => cb(toServiceError(err) as grpc.ServiceError));
        };
        break;
      case 'server_streaming':
      case 'bidi_streaming':
        handlers[method.localName] = (call: grpc.ServerWritableStream<object, object> | grpc.ServerDuplexStream<object, object>) => {
          if (!fn) {
            call.emit('error', toServiceError(GrpcError.unimplemented(name)));
            return;
          }
          const { ctx, abort } = contextOf(call);
          let streams = openStreams.get(server);
          if (!streams) openStreams.set(server, (streams = new Set()));
          const live = streams;
          const closeForShutdown = () => {
            abort();
            call.emit('error', toServiceError(new GrpcError(grpc.status.UNAVAILABLE, 'server is shutting down')));
          };
          live.add(closeForShutdown);
          const input =
            method.methodKind === 'bidi_streaming'
              ? requestsOf(call as grpc.ServerDuplexStream<object, object>)
              : (call as grpc.ServerWritableStream<object, object>).request;
          Promise.resolve()
            .then(() => writeAll(call, (fn as (r: unknown, c: CallContext) => AsyncIterable<object>)(input, ctx), ctx.signal))
            .then(
              () => call.end(),
              (err: unknown) => {
                if (!ctx.signal.aborted) call.emit('error', toServiceError(err));
              },
            )
            .finally(() => live.delete(closeForShutdown));
        };
        break;
    }
  }
  server.addService(serviceDefinition(service), handlers);
  const names = served.get(server) ?? new Set<string>();
  names.add(service.typeName);
  served.set(server, names);
}

/**
 * Binds the server to a unix socket readable and writable by root only, replacing a stale socket
 * file from an earlier run. Resolves once it listens.
 */
export async function listenUnix(server: grpc.Server, socketPath: string, mode = 0o600): Promise<void> {
  fs.mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o711 });
  try {
    if (fs.lstatSync(socketPath).isSocket()) fs.unlinkSync(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(`unix://${socketPath}`, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
  fs.chmodSync(socketPath, mode);
}

/** Stops accepting calls, waits up to graceMs for running calls, then cancels the rest. */
/**
 * Stops the server: open streams end at once with UNAVAILABLE (their handlers see the abort), unary
 * calls in flight get up to `graceMs` to answer, then every connection is closed.
 */
export async function shutdown(server: grpc.Server, graceMs = 2000): Promise<void> {
  const streams = openStreams.get(server);
  // Streams their handlers are ending right now (a health Watch sending NOT_SERVING) get a moment
  // to send their last messages and status; only the rest are cut.
  for (let waited = 0; streams?.size && waited < 100; waited += 5) await new Promise((r) => setTimeout(r, 5));
  for (const close of [...(streams ?? [])]) close();
  streams?.clear();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
