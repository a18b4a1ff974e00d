import { getEventListeners } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import type * as grpc from '@grpc/grpc-js';
import { Echo, type EchoRequest } from '../src/gen/stack/testing/v1/echo_pb.js';
import { addService, AsyncQueue, Code, connect, createClient, createServer, GrpcError, listenUnix, shutdown } from '../src/index.js';

describe('gRPC adapter over a unix socket', () => {
  let dir: string;
  let server: grpc.Server;
  let channel: grpc.Client;
  let socket: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proto-test-'));
    socket = path.join(dir, 'sock', 'echo.sock');
    server = createServer();
    const check = (r: EchoRequest) => {
      if (r.failCode) throw new GrpcError(r.failCode, `asked to fail with ${r.failCode}`);
    };
    addService(server, Echo, {
      say(req, ctx) {
        check(req);
        return { text: req.text, namespace: ctx.header('containerd-namespace') ?? '', at: timestampNow() };
      },
      async *repeat(req) {
        check(req);
        for (let i = 0; i < req.repeat; i++) yield { text: req.text, index: i };
      },
      async collect(reqs) {
        const parts: string[] = [];
        for await (const r of reqs) {
          check(r);
          parts.push(r.text);
        }
        return { text: parts.join(','), index: parts.length };
      },
      async *chat(reqs) {
        let i = 0;
        for await (const r of reqs) yield { text: r.text.toUpperCase(), index: i++ };
      },
    });
    await listenUnix(server, socket);
    channel = connect(socket);
  });

  afterAll(async () => {
    channel.close();
    await shutdown(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the socket is root-only', () => {
    expect(fs.statSync(socket).mode & 0o777).toBe(0o600);
  });

  test('unary call with default metadata', async () => {
    const echo = createClient(Echo, channel, { metadata: { 'containerd-namespace': 'ns1' } });
    const res = await echo.say({ text: 'hi' });
    expect(res.text).toBe('hi');
    expect(res.namespace).toBe('ns1');
    expect(res.at).toBeDefined();
    const res2 = await echo.say({ text: 'x' }, { metadata: { 'containerd-namespace': 'ns2' } });
    expect(res2.namespace).toBe('ns2');
  });

  test('server streaming', async () => {
    const echo = createClient(Echo, channel);
    const got: number[] = [];
    for await (const r of echo.repeat({ text: 'a', repeat: 5 })) got.push(r.index);
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });

  test('client streaming', async () => {
    const echo = createClient(Echo, channel);
    const res = await echo.collect([{ text: 'a' }, { text: 'b' }, { text: 'c' }]);
    expect(res).toMatchObject({ text: 'a,b,c', index: 3 });
  });

  test('bidi streaming, request by request', async () => {
    const echo = createClient(Echo, channel);
    const q = new AsyncQueue<{ text: string }>();
    const it = echo.chat(q)[Symbol.asyncIterator]();
    q.push({ text: 'one' });
    expect((await it.next()).value).toMatchObject({ text: 'ONE', index: 0 });
    q.push({ text: 'two' });
    expect((await it.next()).value).toMatchObject({ text: 'TWO', index: 1 });
    q.end();
    expect((await it.next()).done).toBe(true);
  });

  test('errors keep their status code on every call kind', async () => {
    const echo = createClient(Echo, channel);
    await expect(echo.say({ failCode: Code.NOT_FOUND })).rejects.toMatchObject({ code: Code.NOT_FOUND, message: 'asked to fail with 5' });
    const streamed = (async () => {
      for await (const _ of echo.repeat({ repeat: 2, failCode: Code.ALREADY_EXISTS })) void _;
    })();
    await expect(streamed).rejects.toMatchObject({ code: Code.ALREADY_EXISTS });
    await expect(echo.collect([{ failCode: Code.INVALID_ARGUMENT }])).rejects.toMatchObject({ code: Code.INVALID_ARGUMENT });
  });

  test('a method the server leaves out answers UNIMPLEMENTED', async () => {
    const s = createServer();
    addService(s, Echo, {});
    const sock = path.join(dir, 'empty.sock');
    await listenUnix(s, sock);
    const ch = connect(sock);
    try {
      await expect(createClient(Echo, ch).say({})).rejects.toMatchObject({ code: Code.UNIMPLEMENTED });
    } finally {
      ch.close();
      await shutdown(s);
    }
  });

  test('a client can cancel a server stream', async () => {
    const echo = createClient(Echo, channel);
    const ac = new AbortController();
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const r of echo.repeat({ text: 'x', repeat: 1_000_000 }, { signal: ac.signal })) {
          got.push(r.index);
          if (got.length === 3) ac.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: Code.CANCELLED });
    expect(got.length).toBeGreaterThanOrEqual(3);
  });

  test('no abort listener piles up: a signal shared by 30 concurrent calls, backpressured server streams', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const echo = createClient(Echo, channel);
      const ac = new AbortController();
      await Promise.all(Array.from({ length: 30 }, (_, i) => echo.say({ text: `${i}` }, { signal: ac.signal })));
      for await (const _ of echo.repeat({ text: 'x', repeat: 3 }, { signal: ac.signal })) void _;
      expect(getEventListeners(ac.signal, 'abort').length).toBeLessThanOrEqual(1);
      // 16 MiB through a slow reader: the server waits for 'drain' many times over one call.
      let n = 0;
      for await (const r of echo.repeat({ text: 'y'.repeat(64 * 1024), repeat: 256 })) {
        n += r.text.length;
        if (r.index % 16 === 0) await new Promise((res) => setImmediate(res));
      }
      expect(n).toBe(16 * 1024 * 1024);
      await new Promise((res) => setTimeout(res, 20));
      expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('AsyncQueue', () => {
  test('fail() reaches a consumer that is already waiting', async () => {
    const q = new AsyncQueue<number>();
    const it = q[Symbol.asyncIterator]();
    const pending = it.next();
    q.fail(new Error('boom'));
    await expect(pending).rejects.toThrow('boom');
    await expect(it.next()).rejects.toThrow('boom');
  });

  test('a push after end is dropped, not thrown; a second end or a late fail changes nothing', async () => {
    const q = new AsyncQueue<number>();
    expect(q.push(1)).toBe(true);
    q.end();
    expect(q.push(2)).toBe(false);
    q.end();
    q.fail(new Error('late'));
    expect(q.isEnded).toBe(true);
    const got: number[] = [];
    for await (const n of q) got.push(n);
    expect(got).toEqual([1]);
  });
});

test('shutdown ends open streams at once with UNAVAILABLE instead of waiting out its grace', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proto-test-'));
  const socket = path.join(dir, 'stop.sock');
  const server = createServer();
  let handlerSawAbort = false;
  addService(server, Echo, {
    async *chat(_reqs, ctx) {
      // Never ends by itself, like an event subscription.
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      handlerSawAbort = true;
    },
  });
  await listenUnix(server, socket);
  const channel = connect(socket);
  try {
    const echo = createClient(Echo, channel);
    const requests = new AsyncQueue<EchoRequest>();
    const stream = echo.chat(requests);
    const got = (async () => {
      try {
        for await (const _ of stream) void _;
        return 'ended';
      } catch (err) {
        return (err as GrpcError).code;
      }
    })();
    await new Promise((res) => setTimeout(res, 100));
    // A grace far longer than the test's timeout: only ending the stream lets shutdown return.
    await shutdown(server, 10 * 60_000);
    expect(await got).toBe(Code.UNAVAILABLE);
    expect(handlerSawAbort).toBe(true);
    requests.end();
  } finally {
    channel.close();
    server.forceShutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
