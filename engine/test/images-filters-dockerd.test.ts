// `images --filter` beside Debian's dockerd 20.10: the same images on both daemons (busybox loaded, a
// label-carrying commit of it, an image pulled from a loopback registry by digest only, which leaves an
// untagged image that has a digest), then the stock docker client lists each with dangling=, reference=,
// before=, since= and label= and the outputs are compared; our own `engine images` is compared with
// docker's output against dockerd too.
import * as http from 'node:http';
import * as path from 'node:path';
import { buildHelloWorldImage, pushOciLayout, startRegistry, type Registry } from '@stack/tools';
import { startBesideDockerd, type BesideDockerd } from './support/beside-dockerd.js';
import type { Stack } from './support/stack.js';

let s: Stack;
let side: BesideDockerd;
let registry: Registry;
let pinned = '';

type Result = { code: number; stdout: string; stderr: string };
type Run = (args: readonly string[]) => Promise<Result>;
const ours: Run = (args) => s.docker(args);
const theirs: Run = (args) => side.dockerd.docker(args);
const engineCli: Run = (args) => s.engine(args);

/** IDs, ages and the registry's port differ between runs; the rest is compared. */
function plain(r: Result): Result {
  const norm = (t: string) =>
    t
      .replace(/\b[a-f0-9]{64}\b/g, '<ID>')
      .replace(/\b[a-f0-9]{12}\b/g, '<id>')
      .replace(/(About a|Less than a|\d+) (second|minute|hour|day|week|month|year)s? ago/g, '<ago>')
      .replace(/127\.0\.0\.1:\d+/g, '<registry>')
      // Sizes differ (dockerd counts unpacked layers, this engine compressed ones), and so the padding.
      .replace(/\b\d+(\.\d+)?[kMG]?B\b/g, '<size>')
      .replace(/ {2,}/g, '  ');
  return { code: r.code, stdout: norm(r.stdout), stderr: norm(r.stderr) };
}

/** Rows in a stable order: both daemons order images by creation time, and two share one here. */
const sorted = (r: Result): Result => ({ ...r, stdout: r.stdout.split('\n').sort().join('\n') });

async function both(args: readonly string[]): Promise<Result> {
  const [a, b] = await Promise.all([ours(args), theirs(args)]);
  expect(sorted(plain(a))).toEqual(sorted(plain(b)));
  return plain(a);
}

/** GET on dockerd's API socket. */
function dockerdGet(urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: side.dockerd.host.replace(/^unix:\/\//, ''), path: urlPath }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

/**
 * The list's entries without what differs by daemon (IDs, times, sizes, and ParentId: dockerd records
 * a commit's parent image, this engine does not), in name order.
 */
function summaries(body: string): unknown {
  const list = JSON.parse(body) as Array<Record<string, unknown>>;
  const norm = (v: unknown) => JSON.parse(JSON.stringify(v ?? null).replace(/127\.0\.0\.1:\d+/g, '<registry>').replace(/sha256:[a-f0-9]{64}/g, '<digest>')) as unknown;
  return list
    .map((i) => ({ RepoTags: norm(i['RepoTags']), RepoDigests: norm(i['RepoDigests']), Labels: i['Labels'], SharedSize: i['SharedSize'], Containers: i['Containers'], keys: Object.keys(i).sort() }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

beforeAll(async () => {
  side = await startBesideDockerd();
  s = side.s;
  registry = await startRegistry();
  // An image neither daemon holds yet (busybox pulled by digest would just be another name of busybox).
  const layout = path.join(s.dir, 'hello-image');
  await buildHelloWorldImage({ outDir: layout });
  await s.reachHostLoopback(Number(new URL(`http://${registry.host}`).port));
  await pushOciLayout(registry, layout, 'team/bb:1');
  const res = await fetch(`http://${registry.host}/v2/team/bb/manifests/1`, { method: 'HEAD', headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' } });
  pinned = `${registry.host}/team/bb@${res.headers.get('docker-content-digest') ?? ''}`;
  for (const run of [ours, theirs]) {
    const created = await run(['create', '--name', 'labelled', '--network', 'none', 'busybox', 'true']);
    if (created.code !== 0) throw new Error(`create: ${created.stderr}`);
    const committed = await run(['commit', '--change', 'LABEL tier=web', '--change', 'LABEL owner=ops', 'labelled', 'app:1']);
    if (committed.code !== 0) throw new Error(`commit: ${committed.stderr}`);
    await run(['rm', 'labelled']);
    const pulled = await run(['pull', pinned]);
    if (pulled.code !== 0) throw new Error(`pull ${pinned}: ${pulled.stderr}`);
  }
}, 240_000);

afterAll(async () => {
  await registry?.stop();
  await side?.stop(['labelled']);
}, 90_000);

test('the untagged image with a digest: listed as <none> under its repository, with its digest', async () => {
  const all = await both(['images', '--digests']);
  expect(all.stdout).toMatch(/<registry>\/team\/bb\s+<none>\s+sha256:/);
  await both(['images']);
  await both(['images', '-q']);
}, 60_000);

test('dangling=true lists untagged images (even with a digest); dangling=false the others', async () => {
  const dangling = await both(['images', '--filter', 'dangling=true']);
  expect(dangling.stdout).toMatch(/<registry>\/team\/bb\s+<none>/);
  expect(dangling.stdout).not.toMatch(/busybox|app/);
  const named = await both(['images', '--filter', 'dangling=false']);
  expect(named.stdout).toMatch(/busybox/);
  expect(named.stdout).toMatch(/app\s+1/);
  await both(['images', '-q', '--filter', 'dangling=true']);
  await both(['images', '--filter', 'dangling=true', '--format', '{{json .Repository}} {{.Tag}} {{.Digest}}']);
  const bad = await both(['images', '--filter', 'dangling=maybe']);
  expect(bad.code).not.toBe(0);
}, 60_000);

test('the API entries under each filter: same names, placeholders and fields as dockerd', async () => {
  for (const filters of [{}, { dangling: ['true'] }, { dangling: ['false'] }, { reference: ['*/team/*'] }, { label: ['tier'] }]) {
    const q = `/v1.41/images/json?filters=${encodeURIComponent(JSON.stringify(filters))}`;
    const [a, b] = await Promise.all([s.api('GET', q), dockerdGet(q)]);
    expect({ filters, status: a.status, list: summaries(a.body) }).toEqual({ filters, status: b.status, list: summaries(b.body) });
  }
  const bad = `/v1.41/images/json?filters=${encodeURIComponent(JSON.stringify({ dangling: ['maybe'] }))}`;
  const [a, b] = await Promise.all([s.api('GET', bad), dockerdGet(bad)]);
  expect({ status: a.status, body: a.body }).toEqual({ status: b.status, body: b.body });
}, 60_000);

test('reference=, before=, since= and label= as dockerd applies them', async () => {
  await both(['images', '--filter', 'reference=busybox']);
  await both(['images', '--filter', 'reference=app:*']);
  await both(['images', '--filter', 'reference=*/team/*']);
  await both(['images', '--filter', 'reference=nothing']);
  const before = await both(['images', '--filter', 'before=app:1']);
  expect(before.stdout).toMatch(/busybox/);
  expect(before.stdout).not.toMatch(/app/);
  const since = await both(['images', '--filter', 'since=busybox']);
  expect(since.stdout).toMatch(/app\s+1/);
  expect(since.stdout).not.toMatch(/busybox/);
  const missing = await both(['images', '--filter', 'since=nothing:1']);
  expect(missing.code).toBe(1);
  await both(['images', '--filter', 'label=tier']);
  await both(['images', '--filter', 'label=tier=web', '--filter', 'label=owner=ops']);
  await both(['images', '--filter', 'label=tier=db']);
  await both(['images', '--filter', 'bogus=1']);
}, 60_000);

test('engine images prints what docker prints against dockerd', async () => {
  for (const args of [
    ['images', '--filter', 'dangling=true'],
    ['images', '--digests', '--filter', 'dangling=true'],
    ['images', '--filter', 'dangling=false'],
    ['images', '--filter', 'since=busybox'],
    ['images', '--filter', 'label=tier=web'],
    ['images', '--filter', 'reference=*/team/*', '--digests'],
    ['images', '--filter', 'dangling=true', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}'],
    ['images', '-q', '--filter', 'dangling=false'],
    ['images', '--filter', 'dangling=maybe'],
  ]) {
    const [a, b] = await Promise.all([engineCli(args), theirs(args)]);
    expect({ args, ...sorted(plain(a)) }).toEqual({ args, ...sorted(plain(b)) });
  }
}, 60_000);

test('image prune removes the untagged image (dangling by default), as dockerd', async () => {
  const [a, b] = await Promise.all([ours(['image', 'prune', '-f']), theirs(['image', 'prune', '-f'])]);
  expect(a.code).toBe(0);
  expect(b.code).toBe(0);
  expect(a.stdout).toMatch(/untagged: .*team\/bb@sha256:/);
  await both(['images', '--filter', 'dangling=true']);
}, 60_000);
