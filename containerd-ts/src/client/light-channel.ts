// A small gRPC client over node:http2 for short-lived command-line processes: it loads in a few
// milliseconds where @grpc/grpc-js takes ~50 ms, which is most of a `ctr-ts` run on a small image.
// Unary, server-streaming and bidi/client-streaming calls; the same Client<M> shape as the adapter.
import type * as http2 from 'node:http2';
import * as net from 'node:net';
import { create, fromBinary, toBinary, type DescMessage, type DescMethod } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import type { CallOptions, Client } from '@stack/proto';

/** A gRPC failure with its status code (the numbers of grpc's status enum). */
export class CallError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'CallError';
  }
}

export const Status = { CANCELLED: 1, UNKNOWN: 2, NOT_FOUND: 5, ALREADY_EXISTS: 6, UNAVAILABLE: 14 } as const;

export function hasCode(err: unknown, code: number): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/** nghttp2's CANCEL error code (RST_STREAM 0x8). */
const NGHTTP2_CANCEL = 8;

export class LightChannel {
  private session: http2.ClientHttp2Session | undefined;

  constructor(private readonly address: string) {}

  private connect(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const socketPath = this.address.replace(/^unix:\/\//, '');
    // Loaded here, not at the top: a startup snapshot (see cmd/ctr-ts-snapshot.ts) cannot hold node:http2.
    const { connect } = require('node:http2') as typeof http2;
    const s = connect('http://localhost', { createConnection: () => net.connect(socketPath) });
    s.on('error', () => undefined);
    this.session = s;
    return s;
  }

  /** Starts a call; returns the stream of decoded responses. */
  call(path: string, metadata: Record<string, string>, requests: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, output: DescMessage, signal?: AbortSignal): AsyncIterable<object> {
    // CTR_TS_TRACE=1: each call's start and end on stderr, in ms since the process started (read
    // here, not at load: a startup snapshot would keep the build's environment).
    const trace = process.env['CTR_TS_TRACE'] === '1';
    // Only when tracing: the global `performance` loads perf_hooks on first use (~1.5 ms).
    const started = trace ? performance.now() : 0;
    const session = this.connect();
    const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...metadata });
    const onAbort = () => stream.close(NGHTTP2_CANCEL);
    signal?.addEventListener('abort', onAbort, { once: true });
    let status: { code: number; message: string } | undefined;
    const statusOf = (h: http2.IncomingHttpHeaders) => {
      const s = h['grpc-status'];
      if (s !== undefined) status = { code: Number(s), message: decodeURIComponent(String(h['grpc-message'] ?? '')) };
    };
    stream.on('response', (h) => {
      statusOf(h);
      if (h[':status'] !== 200 && status === undefined) status = { code: Status.UNKNOWN, message: `HTTP status ${String(h[':status'])}` };
    });
    stream.on('trailers', statusOf);
    void (async () => {
      try {
        for await (const r of requests) {
          const frame = Buffer.alloc(5 + r.length);
          frame.writeUInt32BE(r.length, 1);
          frame.set(r, 5);
          if (!stream.write(frame)) await new Promise((res) => stream.once('drain', res));
        }
        stream.end();
      } catch (err) {
        stream.destroy(err as Error);
      }
    })();
    return (async function* () {
      let buf: Buffer = Buffer.alloc(0);
      try {
        for await (const chunk of stream) {
          buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
          while (buf.length >= 5) {
            const len = buf.readUInt32BE(1);
            if (buf.length < 5 + len) break;
            if (buf[0] !== 0) throw new CallError(Status.UNKNOWN, 'compressed gRPC messages are not supported');
            yield fromBinary(output, buf.subarray(5, 5 + len));
            buf = buf.subarray(5 + len);
          }
        }
      } catch (err) {
        if (signal?.aborted) throw new CallError(Status.CANCELLED, 'call cancelled');
        if (err instanceof CallError) throw err;
        if (status === undefined) throw new CallError(Status.UNAVAILABLE, `${path}: cannot reach the daemon: ${(err as Error).message}`);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        if (trace) process.stderr.write(`trace: ${started.toFixed(1)} → ${performance.now().toFixed(1)} ms ${path}\n`);
      }
      if (signal?.aborted) throw new CallError(Status.CANCELLED, 'call cancelled');
      if (status === undefined) throw new CallError(Status.UNAVAILABLE, 'the server closed the call without a status');
      if (status.code !== 0) throw new CallError(status.code, status.message);
    })();
  }

  close(): void {
    this.session?.close();
  }
}

function encoder(schema: DescMessage) {
  return (v: object) => toBinary(schema, create(schema, v as never));
}

async function* encodeAll(reqs: AsyncIterable<object> | Iterable<object>, enc: (v: object) => Uint8Array): AsyncIterable<Uint8Array> {
  for await (const r of reqs) yield enc(r);
}

function metadataOf(defaults: Record<string, string>, o: CallOptions | undefined): Record<string, string> {
  const md = { ...defaults };
  if (o?.metadata && !('getMap' in o.metadata)) Object.assign(md, o.metadata);
  return md;
}

async function single(it: AsyncIterable<object>): Promise<object> {
  let res: object | undefined;
  for await (const r of it) res = r;
  if (!res) throw new CallError(Status.UNKNOWN, 'no response message');
  return res;
}

/** A client with the adapter's shape, over a LightChannel. */
export function createLightClient<M extends GenServiceMethods>(service: GenService<M>, channel: LightChannel, metadata: Record<string, string>): Client<M> {
  const client: Record<string, unknown> = {};
  for (const method of service.methods as DescMethod[]) {
    const path = `/${method.parent.typeName}/${method.name}`;
    const enc = encoder(method.input);
    const streamingIn = method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming';
    const streamingOut = method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming';
    client[method.localName] = (req: object | AsyncIterable<object> | Iterable<object>, o?: CallOptions) => {
      const body = streamingIn ? encodeAll(req as AsyncIterable<object>, enc) : [enc(req as object)];
      const out = channel.call(path, metadataOf(metadata, o), body, method.output, o?.signal);
      return streamingOut ? out : single(out);
    };
  }
  return client as Client<M>;
}
