// Calls protobuf-es services through a grpc-js channel; every call kind is a Promise or an AsyncIterable.
import * as grpc from '@grpc/grpc-js';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { methodCodec } from './codec.js';
import { fromServiceError } from './errors.js';
import { MAX_MESSAGE_BYTES } from './server.js';
import type { CallOptions, Client } from './types.js';

/** A connection that any number of service clients share. Address: `unix:///path` or `host:port`. */
export function connect(address: string, options: grpc.ChannelOptions = {}): grpc.Client {
  const target = address.startsWith('/') ? `unix://${address}` : address;
  return new grpc.Client(target, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    ...options,
  });
}

export interface ClientOptions {
  /** Metadata sent with every call (e.g. `containerd-namespace`); per-call metadata overrides it. */
  metadata?: Record<string, string>;
}

function metadataOf(defaults: Record<string, string> | undefined, call: CallOptions['metadata']): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(defaults ?? {})) md.set(k, v);
  if (call instanceof grpc.Metadata) {
    for (const [k, v] of Object.entries(call.getMap())) md.set(k, v);
  } else if (call) {
    for (const [k, v] of Object.entries(call)) md.set(k, v);
  }
  return md;
}

function callOptionsOf(o: CallOptions | undefined): grpc.CallOptions {
  if (o?.deadline === undefined) return {};
  return { deadline: typeof o.deadline === 'number' ? Date.now() + o.deadline : o.deadline };
}

/**
 * Calls to cancel per signal. Callers share long-lived signals (a daemon's shutdown) across many
 * concurrent calls: one listener per signal fans out to the live calls, and each call leaves the set
 * when it ends, so neither listeners nor calls pile up (no MaxListenersExceededWarning).
 */
const callsBySignal = new WeakMap<AbortSignal, Set<{ cancel(): void }>>();

function bindSignal(call: { cancel(): void; once(event: 'status', fn: () => void): unknown }, signal: AbortSignal | undefined): void {
  if (!signal) return;
  if (signal.aborted) return call.cancel();
  let calls = callsBySignal.get(signal);
  if (!calls) {
    const set = new Set<{ cancel(): void }>();
    calls = set;
    callsBySignal.set(signal, set);
    signal.addEventListener('abort', () => {
      for (const c of set) c.cancel();
      set.clear();
    }, { once: true });
  }
  calls.add(call);
  call.once('status', () => calls.delete(call));
}

/**
 * Errors reach the caller through the response iterator or callback; one that comes after the caller
 * stopped listening (a cancel's status, a write racing the end) must not be thrown at the process.
 */
function quietAfterCaller<C extends grpc.ClientReadableStream<object> | grpc.ClientWritableStream<object>>(call: C): C {
  call.on('error', () => undefined);
  return call;
}

/** Resolves on 'drain', or once the call is over and will never drain; leaves no listener behind. */
function drainOrClose(call: grpc.ClientWritableStream<object>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('close', done);
      call.off('status', done);
      resolve();
    };
    call.once('drain', done);
    call.once('close', done);
    call.once('status', done);
  });
}

async function pump(requests: AsyncIterable<object> | Iterable<object>, call: grpc.ClientWritableStream<object>): Promise<void> {
  let over = false;
  call.once('status', () => (over = true));
  try {
    for await (const r of requests) {
      // The call is over (the server answered or it was cancelled): stop taking requests.
      if (over || call.destroyed || call.writableEnded) return;
      if (!call.write(r)) await drainOrClose(call);
    }
    if (!call.writableEnded) call.end();
  } catch (err) {
    call.destroy(err as Error);
  }
}

async function* responses(call: grpc.ClientReadableStream<object>): AsyncIterable<object> {
  try {
    for await (const msg of call) yield msg as object;
  } catch (err) {
    throw fromServiceError(err);
  } finally {
    call.cancel();
  }
}

/** A typed client for one service over a shared connection. */
export function createClient<M extends GenServiceMethods>(service: GenService<M>, channel: grpc.Client, options: ClientOptions = {}): Client<M> {
  const client: Record<string, unknown> = {};
  for (const method of service.methods) {
    const c = methodCodec(method);
    const ser = c.serializeRequest;
    const de = c.deserializeResponse;
    switch (method.methodKind) {
      case 'unary':
        client[method.localName] = (req: object, o?: CallOptions) =>
          new Promise((resolve, reject) => {
            const call = channel.makeUnaryRequest(c.path, ser, de, req, metadataOf(options.metadata, o?.metadata), callOptionsOf(o), (err, res) =>
              err ? reject(fromServiceError(err)) : resolve(res),
            );
            bindSignal(call, o?.signal);
          });
        break;
      case 'server_streaming':
        client[method.localName] = (req: object, o?: CallOptions) => {
          const call = quietAfterCaller(channel.makeServerStreamRequest(c.path, ser, de, req, metadataOf(options.metadata, o?.metadata), callOptionsOf(o)));
          bindSignal(call, o?.signal);
          return responses(call);
        };
        break;
      case 'client_streaming':
        client[method.localName] = (reqs: AsyncIterable<object> | Iterable<object>, o?: CallOptions) =>
          new Promise((resolve, reject) => {
            const call = quietAfterCaller(
              channel.makeClientStreamRequest(c.path, ser, de, metadataOf(options.metadata, o?.metadata), callOptionsOf(o), (err, res) =>
                err ? reject(fromServiceError(err)) : resolve(res),
              ),
            );
            bindSignal(call, o?.signal);
            void pump(reqs, call);
          });
        break;
      case 'bidi_streaming':
        client[method.localName] = (reqs: AsyncIterable<object> | Iterable<object>, o?: CallOptions) => {
          const call = quietAfterCaller(channel.makeBidiStreamRequest(c.path, ser, de, metadataOf(options.metadata, o?.metadata), callOptionsOf(o)));
          bindSignal(call, o?.signal);
          void pump(reqs, call);
          return responses(call);
        };
        break;
    }
  }
  return client as Client<M>;
}
