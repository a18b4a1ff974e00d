// What stock containerd clients do on connect and in daily calls, side by side: Debian's containerd
// 1.6 and containerd-ts get the same requests, and the answers are compared.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { AsyncQueue, connect, createClient, GrpcError } from '@stack/proto';
import { Content, WriteAction } from '@stack/proto/gen/containerd/services/content/v1/content_pb';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { Health, HealthCheckResponse_ServingStatus as Serving } from '@stack/proto/gen/grpc/health/v1/health_pb';
import { Namespaces } from '@stack/proto/gen/containerd/services/namespaces/v1/namespace_pb';
import { Version } from '@stack/proto/gen/containerd/services/version/v1/version_pb';
import { startReferenceContainerd, type ReferenceContainerd } from '@stack/tools';
import { run, startTestDaemon, type TestDaemon } from './support/daemon.js';

jest.setTimeout(120_000);

let ref: ReferenceContainerd;
let ours: TestDaemon;
const sockets = () => [
  ['containerd', ref.socket],
  ['containerd-ts', ours.socket],
] as const;

beforeAll(async () => {
  [ref, ours] = await Promise.all([startReferenceContainerd(), startTestDaemon()]);
});

afterAll(async () => {
  await Promise.allSettled([ref?.stop(), ours?.stop()]);
  ours?.cleanup();
});

const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (err: GrpcError) => `${err.code} ${err.message}`);

async function firstOf<T>(it: AsyncIterable<T>): Promise<T | undefined> {
  for await (const m of it) return m;
  return undefined;
}

describe('on connect, as the Go client does it', () => {
  test('health Check and Watch, version, a label on a namespace nobody created', async () => {
    const seen: Record<string, unknown> = {};
    for (const [who, socket] of sockets()) {
      const ch = connect(socket);
      const md = { metadata: { 'containerd-namespace': 'on-connect' } };
      const health = createClient(Health, ch);
      const ns = createClient(Namespaces, ch);
      const ac = new AbortController();
      seen[who] = {
        check: (await health.check({ service: '' })).status,
        unknown: await codeOf(health.check({ service: 'no.such.Service' })),
        watch: (await firstOf(health.watch({ service: '' }, { signal: ac.signal })))?.status,
        watchUnknown: (await firstOf(health.watch({ service: 'no.such.Service' }, { signal: ac.signal })))?.status,
        version: typeof (await createClient(Version, ch).version({})).version,
        // (containerd's Update answers with empty labels; what it stored is what counts.)
        label: await codeOf(ns.update({ namespace: { name: 'on-connect', labels: { 'example.com/k': 'v' } }, updateMask: { paths: ['labels.example.com/k'] } }, md)),
        get: (await ns.get({ name: 'on-connect' })).namespace?.labels,
        replaceAll: await codeOf(ns.update({ namespace: { name: 'made-by-update', labels: { a: '1' } } }, { metadata: { 'containerd-namespace': 'made-by-update' } })),
        getReplaced: (await ns.get({ name: 'made-by-update' })).namespace?.labels,
        badPath: await codeOf(ns.update({ namespace: { name: 'on-connect', labels: {} }, updateMask: { paths: ['name'] } }, md)),
        listed: (await ns.list({})).namespaces.map((n) => n.name).sort(),
      };
      ac.abort();
      ch.close();
    }
    expect(seen['containerd-ts']).toEqual(seen['containerd']);
    expect(seen['containerd']).toEqual({
      check: Serving.SERVING,
      unknown: '5 unknown service',
      watch: Serving.SERVING,
      watchUnknown: Serving.SERVICE_UNKNOWN,
      version: 'string',
      label: 'ok',
      get: { 'example.com/k': 'v' },
      replaceAll: 'ok',
      getReplaced: { a: '1' },
      badPath: '3 cannot update "name" field',
      listed: ['made-by-update', 'on-connect'],
    });
  });

  test('containerd-ts also vouches for each service it serves, and refuses a namespace name it could not use', async () => {
    const ch = connect(ours.socket);
    const health = createClient(Health, ch);
    expect((await health.check({ service: 'containerd.services.content.v1.Content' })).status).toBe(Serving.SERVING);
    expect((await health.check({ service: 'grpc.health.v1.Health' })).status).toBe(Serving.SERVING);
    // containerd creates "Bad_NS!" here, a namespace no later call can use.
    expect(await codeOf(createClient(Namespaces, ch).update({ namespace: { name: 'Bad_NS!', labels: { a: 'b' } } }))).toMatch(/^3 namespace "Bad_NS!": identifier must match/);
    ch.close();
  });
});

test('a Watch sees NOT_SERVING when containerd-ts stops, and its stream ends', async () => {
  const d = await startTestDaemon();
  try {
    const ch = connect(d.socket);
    const seen: Serving[] = [];
    const watching = (async () => {
      for await (const m of createClient(Health, ch).watch({ service: 'containerd.services.version.v1.Version' })) seen.push(m.status);
    })().catch((err: Error) => {
      throw new Error(`the Watch stream failed instead of ending: ${err.message}`);
    });
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await d.stop();
    await watching;
    expect(seen).toEqual([Serving.SERVING, Serving.NOT_SERVING]);
    ch.close();
  } finally {
    await d.stop();
    d.cleanup();
  }
});

describe('filters in containerd\'s grammar, through stock ctr', () => {
  const filters = [
    'name~=|^docker\\.io/|',
    'name~=/\\//',
    'labels."a b"==c',
    'a.b.c~=x,d',
    'name==a b',
    'name==',
    'name~=|\\d|',
    ' ',
    'name===x',
    'name==/x/y',
    'name=="x',
    'name~=(?i)X',
    'name~=(?P<x>a)',
  ];
  test.each(filters)('ctr images ls %j', async (f) => {
    const [a, b] = await Promise.all(sockets().map(([, s]) => run('ctr', ['--address', s, 'images', 'ls', f])));
    expect(b).toEqual(a);
  });

  test('ctr events with a |regex| topic filter sees only the matching topics', async () => {
    const seen: Record<string, string[]> = {};
    for (const [who, socket] of sockets()) {
      const events = spawn('ctr', ['--address', socket, 'events', 'topic~=|^/namespaces/create$|', 'topic=="/namespaces/delete"'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      events.stdout.on('data', (c: Buffer) => (out += c.toString()));
      events.stderr.on('data', (c: Buffer) => (out += c.toString()));
      try {
        // The subscription is live once a first event gets through; publish until one does.
        for (let i = 0; i < 100 && !out.includes('/namespaces/create'); i++) {
          await run('ctr', ['--address', socket, 'namespaces', 'create', `probe-${i}`]);
          await new Promise((r) => setTimeout(r, 50));
        }
        await run('ctr', ['--address', socket, 'namespaces', 'label', 'probe-0', 'k=v']);
        await run('ctr', ['--address', socket, 'namespaces', 'rm', 'probe-0']);
        for (let i = 0; i < 100 && !out.includes('/namespaces/delete'); i++) await new Promise((r) => setTimeout(r, 50));
      } finally {
        events.kill();
      }
      seen[who] = [...new Set(out.split('\n').flatMap((l) => /\s(\/namespaces\/\w+)\s/.exec(l)?.[1] ?? []))];
    }
    expect(seen['containerd-ts']).toEqual(['/namespaces/create', '/namespaces/delete']);
    expect(seen['containerd']).toEqual(seen['containerd-ts']);
  });
});

describe('content', () => {
  type WriteInit = MessageInitShape<typeof import('@stack/proto/gen/containerd/services/content/v1/content_pb').WriteContentRequestSchema>;
  const md = { metadata: { 'containerd-namespace': 'content-test' } };

  /** One Write stream driven a message at a time. */
  function writer(c: ReturnType<typeof createClient<import('@stack/proto').MethodsOf<typeof Content>>>) {
    const q = new AsyncQueue<WriteInit>();
    const it = c.write(q, md)[Symbol.asyncIterator]();
    return {
      send: (req: WriteInit) => {
        q.push(req);
        return it.next().then((r) => `ok ${r.value?.offset}`, (err: GrpcError) => `${err.code} ${err.message}`);
      },
      end: () => q.end(),
    };
  }

  test('an abort under an open writer frees the ref for a new writer', async () => {
    const seen: Record<string, unknown> = {};
    for (const [who, socket] of sockets()) {
      const ch = connect(socket);
      const c = createClient(Content, ch);
      const w1 = writer(c);
      const first = await w1.send({ action: WriteAction.WRITE, ref: 'abort-me', offset: 0n, data: Buffer.from('hello') });
      const abortOpen = await codeOf(c.abort({ ref: 'abort-me' }, md));
      const w2 = writer(c);
      const newWriter = await w2.send({ action: WriteAction.WRITE, ref: 'abort-me', offset: 0n, data: Buffer.from('again!') });
      w1.end();
      w2.end();
      // The first writer's end must not free or remove what the second one wrote.
      await new Promise((r) => setTimeout(r, 200));
      const status = await codeOf(c.status({ ref: 'abort-me' }, md).then((r) => Number(r.status?.offset)).then((o) => { if (o !== 6) throw new Error(`offset ${o}`); }));
      const abortAfter = await codeOf(c.abort({ ref: 'abort-me' }, md));
      const again = await codeOf(c.abort({ ref: 'abort-me' }, md));
      // Codes only where the texts are each daemon's own (containerd's lock message has a duration).
      const code = (o: string) => o.split(' ')[0];
      seen[who] = { first, abortOpen, newWriter: code(newWriter), status: code(status), abortAfter: code(abortAfter), again: code(again) };
      ch.close();
    }
    expect(seen['containerd-ts']).toEqual(seen['containerd']);
    // The aborted writer keeps the ref until its stream ends; the ingest itself is gone at once.
    expect(seen['containerd']).toEqual({ first: 'ok 5', abortOpen: 'ok', newWriter: '14', status: '5', abortAfter: '5', again: '5' });
  });

  test('Info and Update timestamps keep their nanoseconds', async () => {
    // Unreferenced blobs are collected (a label update schedules GC): keep these as roots.
    const ROOT = { 'containerd.io/gc.root': 'test' };
    for (const [, socket] of sockets()) {
      const ch = connect(socket);
      const c = createClient(Content, ch);
      const subMs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const data = Buffer.from(`blob ${i} ${socket}`);
        const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
        const w = writer(c);
        expect(await w.send({ action: WriteAction.COMMIT, ref: `ns-${i}`, offset: 0n, data, total: BigInt(data.length), expected: digest, labels: ROOT })).toMatch(/^ok/);
        w.end();
        const info = (await c.info({ digest }, md)).info;
        expect(info?.updatedAt).toEqual(info?.createdAt);
        const updated = (await c.update({ info: { digest, labels: { ...ROOT, k: 'v' } }, updateMask: { paths: ['labels.k'] } }, md)).info;
        const got = (await c.info({ digest }, md)).info;
        expect(got?.updatedAt).toEqual(updated?.updatedAt);
        subMs.push(info!.createdAt!.nanos % 1_000_000, got!.updatedAt!.nanos % 1_000_000);
      }
      // Three blobs, six instants: a ms clock would give 0 for every one.
      expect(subMs.some((n) => n !== 0)).toBe(true);
      ch.close();
    }
  });
});
