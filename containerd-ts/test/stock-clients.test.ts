// What stock containerd clients do on connect and in daily calls, side by side: Debian's containerd
// 1.6 and containerd-ts get the same requests, and the answers are compared.
import { spawn } from 'node:child_process';
import { connect, createClient, GrpcError } from '@stack/proto';
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
