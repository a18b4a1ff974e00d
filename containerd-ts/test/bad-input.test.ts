// Bad input: unknown images, bad references, registries answering 401/404/500, wrong digests and
// malicious layers each give a clear error and leave the store as it was. Also the auth flows.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pushOciLayout, startRegistry, writeOciImage, type BuiltImage, type Registry } from '@stack/tools';
import { ctrTs, startTestDaemon, type TestDaemon } from './support/daemon.js';
import { multiLayer, storeState } from './support/images.js';
import { startFakeRegistry, type FakeRegistry } from './support/fake-registry.js';
import { removeTree, tempDir } from './support/temp.js';

jest.setTimeout(180_000);

describe('bad input and registry auth', () => {
  let dir: string;
  let registry: Registry;
  let daemon: TestDaemon;
  let multi: BuiltImage;
  const fakes: FakeRegistry[] = [];
  let empty: Awaited<ReturnType<typeof storeState>>;

  beforeAll(async () => {
    dir = tempDir('bad-input-');
    registry = await startRegistry();
    multi = await multiLayer(dir);
    await pushOciLayout(registry, multi.layoutDir, 'test/multi:v1');
    daemon = await startTestDaemon({ config: '' });
    empty = await storeState(daemon);
  });

  afterAll(async () => {
    for (const f of fakes) await f.stop();
    await daemon?.stop();
    daemon?.cleanup();
    await registry?.stop();
    if (dir) removeTree(dir);
  });

  async function fake(o: Omit<Parameters<typeof startFakeRegistry>[0], 'upstream'>): Promise<FakeRegistry> {
    const f = await startFakeRegistry({ upstream: registry.host, ...o });
    fakes.push(f);
    return f;
  }

  async function expectPullFails(ref: string, why: RegExp): Promise<void> {
    const r = await ctrTs(daemon, ['images', 'pull', ref]);
    expect(r.stderr).toMatch(why);
    expect(r.code).not.toBe(0);
    expect(await storeState(daemon)).toEqual(empty);
  }

  test('an unknown image is reported as not found', async () => {
    await expectPullFails(`${registry.host}/test/nope:latest`, /not found \(404\)/);
    await expectPullFails(`${registry.host}/test/multi:nosuchtag`, /not found/);
  });

  test('a bad reference is refused before any network traffic', async () => {
    await expectPullFails('Upper/Case', /invalid reference "Upper\/Case": repository name must be lowercase/);
    await expectPullFails(`${registry.host}/x@sha256:123`, /invalid reference/);
    await expectPullFails('a:b:c', /invalid/);
  });

  test('plain HTTP is refused for a registry that is neither loopback nor configured insecure', async () => {
    const r = await ctrTs(daemon, ['images', 'pull', '--plain-http', 'registry.example.com/team/app:1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/plain HTTP to registry\.example\.com is not allowed/);
    expect(await storeState(daemon)).toEqual(empty);
  });

  test('a registry answering 500 or 401 gives that answer as the error', async () => {
    const broken = await fake({ failWith: 500 });
    await expectPullFails(`${broken.host}/test/multi:v1`, /registry answered 500.*the registry is broken/);
    const locked = await fake({ auth: { kind: 'bearer', tokenNeedsBasic: { username: 'u', password: 'p' } } });
    await expectPullFails(`${locked.host}/test/multi:v1`, /token server .* answered 401|authorization failed \(401/);
    const basic = await fake({ auth: { kind: 'basic', username: 'u', password: 'p' } });
    await expectPullFails(`${basic.host}/test/multi:v1`, /authorization failed \(401 Unauthorized\)/);
  });

  test('anonymous Bearer tokens and Basic credentials from the command line work', async () => {
    const bearer = await fake({ auth: { kind: 'bearer' } });
    const r = await ctrTs(daemon, ['-n', 'auth', 'images', 'pull', `${bearer.host}/test/multi:v1`]);
    expect(r.stderr).not.toMatch(/ctr-ts:/);
    expect(r.code).toBe(0);
    expect(bearer.requests.some((q) => q.url.startsWith('/token?') && q.url.includes('scope=repository%3Atest%2Fmulti%3Apull'))).toBe(true);
    expect(bearer.requests.filter((q) => q.url.includes('/blobs/')).every((q) => q.authorization === 'Bearer good-token')).toBe(true);
    const basic = await fake({ auth: { kind: 'basic', username: 'alice', password: 's3cret' } });
    const r2 = await ctrTs(daemon, ['-n', 'auth2', 'images', 'pull', '--user', 'alice:s3cret', `${basic.host}/test/multi:v1`]);
    expect(r2.code).toBe(0);
  });

  test('credentials from the config file (token server behind Basic auth)', async () => {
    const f = await fake({ auth: { kind: 'bearer', tokenNeedsBasic: { username: 'bob', password: 'pw' } } });
    const d = await startTestDaemon({ config: `version = 2\n[registry.configs."${f.host}".auth]\nusername = "bob"\npassword = "pw"\n` });
    try {
      const r = await ctrTs(d, ['images', 'pull', `${f.host}/test/multi:v1`]);
      expect(r.stderr).not.toMatch(/ctr-ts:/);
      expect(r.code).toBe(0);
    } finally {
      await d.stop();
      d.cleanup();
    }
  });

  test('a blob whose bytes do not match its digest fails the pull and is not stored', async () => {
    const img = await writeOciImage({ outDir: path.join(dir, 'corrupt'), layers: [{ entries: [{ path: 'f', type: 'file', content: 'honest content' }] }], config: {} });
    await pushOciLayout(registry, img.layoutDir, 'test/corrupt:v1');
    const layer = img.layers[0]?.digest as string;
    const blobFile = path.join(registry.dir, 'docker', 'registry', 'v2', 'blobs', 'sha256', layer.slice(7, 9), layer.slice(7), 'data');
    const bytes = fs.readFileSync(blobFile);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0xff;
    fs.writeFileSync(blobFile, bytes);
    await expectPullFails(`${registry.host}/test/corrupt:v1`, new RegExp(`unexpected commit digest sha256:[0-9a-f]{64}, expected ${layer}`));
    expect(fs.readdirSync(path.join(daemon.root, 'io.containerd.content.v1.content', 'ingest'))).toEqual([]);
  });

  test.each([
    ['path traversal', [{ path: '../../../../tmp/escaped-by-layer', type: 'file' as const, content: 'pwned', unsafe: true }], /escapes the layer root/],
    ['symlink escape', [{ path: 'evil', type: 'symlink' as const, linkname: '/tmp', unsafe: true }, { path: 'evil/escaped-by-layer', type: 'file' as const, content: 'pwned', unsafe: true }], /parent "evil" is a symbolic link/],
    ['hard link to outside', [{ path: 'h', type: 'hardlink' as const, linkname: '../../../../etc/passwd', unsafe: true }], /escapes the layer root/],
  ])('a malicious layer (%s) is refused and leaves nothing', async (name, entries, why) => {
    const repo = `test/evil-${name.replace(/\W+/g, '-')}`;
    const img = await writeOciImage({ outDir: path.join(dir, repo.replace('/', '_')), layers: [{ entries: [{ path: 'ok', type: 'file', content: 'fine' }] }, { entries }], config: {} });
    await pushOciLayout(registry, img.layoutDir, `${repo}:v1`);
    fs.rmSync('/tmp/escaped-by-layer', { force: true });
    const snapshotsDir = path.join(daemon.root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots');
    const before = fs.readdirSync(snapshotsDir).sort();
    await expectPullFails(`${registry.host}/${repo}:v1`, why);
    expect(fs.existsSync('/tmp/escaped-by-layer')).toBe(false);
    // The first (good) layer was unpacked, then collected with the failed pull's lease.
    expect(fs.readdirSync(snapshotsDir).sort()).toEqual(before);
  });

  test('bad arguments to ctr-ts and unknown names are clear errors', async () => {
    const rm = await ctrTs(daemon, ['images', 'rm', 'docker.io/library/nothing:here']);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toMatch(/image "docker.io\/library\/nothing:here": not found/);
    const snap = await ctrTs(daemon, ['snapshots', 'prepare', 'k', 'no-such-parent']);
    expect(snap.stderr).toMatch(/parent snapshot no-such-parent: not found/);
    const ns = await ctrTs(daemon, ['-n', 'bad/ns', 'images', 'ls']);
    expect(ns.stderr).toMatch(/namespace "bad\/ns": identifier must match/);
    const content = await ctrTs(daemon, ['content', 'get', 'sha256:nothex']);
    expect(content.stderr).toMatch(/invalid digest/);
    expect(await storeState(daemon)).toEqual(empty);
  });
});
