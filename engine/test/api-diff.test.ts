// The same requests to engined and to Debian's dockerd 20.10 (on private paths, no networking):
// status codes, the keys of the JSON answers, and the error messages, for the endpoints of issue 16.
import * as http from 'node:http';
import type { ReferenceDockerd } from '@stack/tools';
import { startBesideDockerd, type BesideDockerd } from './support/beside-dockerd.js';
import type { Stack } from './support/stack.js';

let s: Stack;
let side: BesideDockerd;
let dockerd: ReferenceDockerd;

beforeAll(async () => {
  side = await startBesideDockerd();
  ({ s, dockerd } = side);
  for (const run of [dockerd.docker, s.docker]) {
    const r = await run(['create', '--name', 'c1', '--network', 'none', 'busybox', 'sleep', '1000']);
    if (r.code !== 0) throw new Error(r.stderr);
  }
}, 180_000);

afterAll(async () => {
  await side?.stop();
}, 90_000);

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(socket: string, method: string, urlPath: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = !body ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) };
    const req = http.request({ socketPath: socket, method, path: urlPath, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body || undefined);
  });
}

/** `body` '' sends none. */
const both = (method: string, urlPath: string, body?: string) =>
  Promise.all([request(new URL(dockerd.host).pathname, method, `/v1.41${urlPath}`, body), request(s.socket, method, `/v1.41${urlPath}`, body)]);

/** The shape of a JSON answer: its keys (and those of the first element of an array), recursively one level. */
function shape(body: string): unknown {
  if (!body.trim()) return '';
  const v: unknown = JSON.parse(body);
  const keys = (o: unknown) => (o && typeof o === 'object' && !Array.isArray(o) ? Object.keys(o).sort() : typeof o);
  return Array.isArray(v) ? [v.length ? keys(v[0]) : 'empty'] : keys(v);
}

const filters = (f: Record<string, string[]>) => encodeURIComponent(JSON.stringify(f));

test.each([
  ['GET', '/plugins', ''],
  ['GET', `/plugins?filters=${filters({ foo: ['x'] })}`, ''],
  ['GET', `/plugins?filters=${filters({ enable: ['maybe'] })}`, ''],
  ['GET', '/plugins/foo/json', ''],
  ['GET', '/plugins/team/foo:1/json', ''],
  ['POST', '/plugins/foo/disable', ''],
  ['POST', '/plugins/foo/push', ''],
  ['DELETE', '/plugins/foo', ''],
  ['GET', '/swarm', ''],
  ['GET', '/swarm/unlockkey', ''],
  ['POST', '/swarm/unlock', '{}'],
  ['POST', '/swarm/leave', ''],
  ['POST', '/swarm/update', '{}'],
  ['POST', '/swarm/update?version=3', '{}'],
  ['GET', '/nodes', ''],
  ['GET', '/nodes/n1', ''],
  ['DELETE', '/nodes/n1', ''],
  ['POST', '/nodes/n1/update', '{}'],
  ['GET', '/services', ''],
  ['GET', '/services/s1', ''],
  ['POST', '/services/create', '{}'],
  ['POST', '/services/s1/update', '{}'],
  ['DELETE', '/services/s1', ''],
  ['GET', '/services/s1/logs', ''],
  ['GET', '/services/s1/logs?stdout=1', ''],
  ['GET', '/tasks', ''],
  ['GET', '/tasks/t1', ''],
  ['GET', '/tasks/t1/logs?stderr=1', ''],
  ['GET', '/secrets', ''],
  ['GET', '/secrets/x', ''],
  ['POST', '/secrets/create', '{}'],
  ['POST', '/secrets/x/update', '{}'],
  ['DELETE', '/secrets/x', ''],
  ['GET', '/configs', ''],
  ['POST', '/configs/x/update', '{}'],
  ['DELETE', '/configs/x', ''],
  ['POST', '/build/prune', ''],
  ['POST', '/build/prune?all=1', ''],
  ['POST', `/build/prune?filters=${filters({ foo: ['x'] })}`, ''],
  ['POST', `/containers/prune?filters=${filters({ foo: ['x'] })}`, ''],
  ['POST', `/containers/prune?filters=${filters({ until: ['bogus'] })}`, ''],
  ['POST', `/images/prune?filters=${filters({ foo: ['x'] })}`, ''],
  ['POST', `/images/prune?filters=${filters({ until: ['bogus'] })}`, ''],
  ['POST', `/images/prune?filters=${filters({ dangling: ['true'], until: ['10m'] })}`, ''],
  ['POST', '/containers/c1/update', '{"Memory":1000}'],
  ['POST', '/containers/c1/update', '{"RestartPolicy":{"Name":"bogus"}}'],
  ['POST', '/containers/c1/update', '{"RestartPolicy":{"Name":"always","MaximumRetryCount":2}}'],
  ['POST', '/containers/c1/update', '{"NanoCpus":500000000,"CpuQuota":50000}'],
  ['POST', '/containers/c1/update', '{"Memory":16777216,"MemorySwap":8388608}'],
  ['POST', '/containers/c1/update', '{"CpusetCpus":"64"}'],
  ['POST', '/containers/c1/update', '{"BlkioWeight":300}'],
  ['POST', '/containers/c1/update', '{"CpuShares":512,"PidsLimit":50,"RestartPolicy":{"Name":"unless-stopped"}}'],
  ['POST', '/containers/nope/update', '{}'],
])('%s %s %s', async (method, urlPath, body) => {
  const [ref, ours] = await both(method, urlPath, body);
  expect({ status: ours.status, shape: shape(ours.body) }).toEqual({ status: ref.status, shape: shape(ref.body) });
  // Error texts and the (empty) answers are dockerd's exactly.
  expect(JSON.parse(ours.body)).toEqual(JSON.parse(ref.body));
});

const statOf = (a: Answer) => JSON.parse(Buffer.from(String(a.headers['x-docker-container-path-stat']), 'base64').toString()) as Record<string, unknown>;

test.each(['/etc/passwd', '/bin/sh', '/bin', '/bin/', '/etc/group'])('HEAD and GET archive %s: same stat, same tar entry names', async (p) => {
  const [refHead, ourHead] = await both('HEAD', `/containers/c1/archive?path=${p}`);
  expect(ourHead.status).toBe(refHead.status);
  const [ref, ours] = [statOf(refHead), statOf(ourHead)];
  expect(Object.keys(ours).sort()).toEqual(Object.keys(ref).sort());
  // Directories' mtimes and sizes are the two unpacks' own.
  const dir = (ref.mode as number) >= 2 ** 31;
  expect({ ...ours, mtime: 0 }).toEqual({ ...ref, mtime: 0, size: dir ? ours.size : ref.size });
  const [refTar, ourTar] = await both('GET', `/containers/c1/archive?path=${p}`);
  expect(ourTar.headers['content-type']).toBe(refTar.headers['content-type']);
  const names = (t: string) => {
    const out: string[] = [];
    for (let off = 0; off + 512 <= t.length; ) {
      const name = t.slice(off, off + 100).replace(/\0.*$/s, '');
      if (!name) break;
      const size = parseInt(t.slice(off + 124, off + 136).replace(/\0.*$/s, '').trim() || '0', 8);
      if (!['x', 'g', 'L'].includes(t[off + 156]!)) out.push(name.replace(/\/$/, ''));
      off += 512 + Math.ceil(size / 512) * 512;
    }
    return out.sort();
  };
  expect(names(ourTar.body).slice(0, 20)).toEqual(names(refTar.body).slice(0, 20));
});

test.each([
  ['HEAD', '/containers/c1/archive?path=/nope'],
  ['GET', '/containers/c1/archive?path=/nope'],
  ['GET', '/containers/c1/archive?path=/etc/passwd/'],
  ['GET', '/containers/c1/archive?path=/etc/passwd/x'],
  ['GET', '/containers/c1/archive'],
  ['GET', '/containers/nope/archive?path=/'],
  ['PUT', '/containers/c1/archive?path=/nope'],
  ['PUT', '/containers/c1/archive?path=/etc/passwd'],
])('archive errors: %s %s', async (method, urlPath) => {
  const [ref, ours] = await both(method, urlPath);
  expect(ours.status).toBe(ref.status);
  if (method !== 'HEAD' && !ref.body.includes('lstat')) expect(JSON.parse(ours.body)).toEqual(JSON.parse(ref.body));
});

test('stats of a running container: the same keys at every level docker reads', async () => {
  for (const run of [dockerd.docker, s.docker]) await run(['rm', '-f', 'st1']);
  for (const run of [dockerd.docker, s.docker]) {
    const r = await run(['run', '-d', '--name', 'st1', '--network', 'none', 'busybox', 'sleep', '1000']);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  const [ref, ours] = await both('GET', '/containers/st1/stats?stream=false');
  expect(ours.status).toBe(ref.status);
  const a = JSON.parse(ref.body) as Record<string, Record<string, unknown>>;
  const b = JSON.parse(ours.body) as Record<string, Record<string, unknown>>;
  const keys = (o: unknown) => Object.keys(o as object).sort();
  expect(keys(b)).toEqual(keys(a));
  for (const k of ['cpu_stats', 'precpu_stats', 'pids_stats', 'blkio_stats']) expect(keys(b[k])).toEqual(keys(a[k]));
  expect(keys(b.cpu_stats!.cpu_usage)).toEqual(keys(a.cpu_stats!.cpu_usage));
  // Block I/O: the same lists, entries of the same shape. The values are the kernel's per-cgroup
  // counts of reads that missed the page cache, so they differ between two containers of one image
  // (runc-ts's events test checks them against the cgroup's own files).
  const shape = (st: unknown) => Object.fromEntries(Object.entries(st as Record<string, Array<Record<string, unknown>> | null>).map(([k, v]) => [k, [...new Set((v ?? []).map((e) => Object.keys(e).sort().join(',')))]]));
  const ops = (st: unknown) => new Set(Object.values(st as Record<string, Array<{ op: string }> | null>).flatMap((v) => (v ?? []).map((e) => e.op)));
  const bShape = shape(b.blkio_stats);
  for (const [k, v] of Object.entries(shape(a.blkio_stats))) if (v.length && bShape[k]!.length) expect({ k, v: bShape[k] }).toEqual({ k, v });
  for (const op of ops(b.blkio_stats)) expect(['Read', 'Write', 'Sync', 'Async', 'Discard', 'Total']).toContain(op);
  // dockerd lists more cgroup v1 memory counters; the ones docker's client reads are there.
  expect(keys(b.memory_stats)).toEqual(keys(a.memory_stats));
  for (const k of ['cache', 'rss', 'inactive_file', 'active_file']) expect(b.memory_stats!.stats).toHaveProperty(k);
  for (const run of [dockerd.docker, s.docker]) await run(['rm', '-f', 'st1']);
}, 60_000);
