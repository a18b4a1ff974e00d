// Debian's stock ctr (containerd 1.6) pointed at containerd-ts: listing and a client-side pull, which
// drives Leases, Content Write/Info/Read/Update, Images, Snapshots and Diff/Apply.
import { pushOciLayout, startRegistry, type BuiltImage, type Registry } from '@stack/tools';
import { ctrTs, startTestDaemon, stockCtr, type TestDaemon } from './support/daemon.js';
import { busybox, expectedTree, multiLayer, snapshotTree, topChainId } from './support/images.js';
import { removeTree, tempDir } from './support/temp.js';

jest.setTimeout(180_000);

describe("Debian's ctr against containerd-ts", () => {
  let dir: string;
  let registry: Registry;
  let daemon: TestDaemon;
  let bb: BuiltImage;
  let multi: BuiltImage;

  beforeAll(async () => {
    dir = tempDir('stock-ctr-');
    registry = await startRegistry();
    daemon = await startTestDaemon();
    bb = await busybox(dir);
    multi = await multiLayer(dir);
    await pushOciLayout(registry, bb.layoutDir, 'library/busybox:latest');
    await pushOciLayout(registry, multi.layoutDir, 'test/multi:v1');
  });

  afterAll(async () => {
    await daemon?.stop();
    daemon?.cleanup();
    await registry?.stop();
    if (dir) removeTree(dir);
  });

  test('ctr version and plugins ls', async () => {
    const v = await stockCtr(daemon, ['version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/Server:\s+Version:\s+\S+/);
    const p = await stockCtr(daemon, ['plugins', 'ls']);
    expect(p.stdout).toMatch(/io\.containerd\.snapshotter\.v1\s+overlayfs\s+linux\/amd64\s+ok/);
  });

  test('ctr images pull --plain-http into containerd-ts, then the snapshot equals the image', async () => {
    const ref = `${registry.host}/test/multi:v1`;
    const r = await stockCtr(daemon, ['images', 'pull', '--plain-http', ref]);
    // ctr's progress poller may log its own cancellation at the end; nothing else may appear.
    expect(r.stderr.split('\n').filter((l) => l !== '' && !l.includes('context canceled'))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/unpacking linux\/amd64/);
    expect(await snapshotTree(daemon, 'default', topChainId(multi), dir)).toEqual(expectedTree(multi, dir));
    // No lease is left behind by the client's pull.
    expect((await stockCtr(daemon, ['leases', 'ls'])).stdout.trim().split('\n')).toHaveLength(1);
  });

  test('ctr lists namespaces, images, content and snapshots', async () => {
    await ctrTs(daemon, ['-n', 'other', 'images', 'pull', `${registry.host}/library/busybox:latest`]);
    const ns = await stockCtr(daemon, ['namespaces', 'ls', '-q']);
    expect(ns.stdout.trim().split('\n').sort()).toEqual(['default', 'other']);
    const images = await stockCtr(daemon, ['-n', 'other', 'images', 'ls']);
    expect(images.code).toBe(0);
    expect(images.stdout).toContain(`${registry.host}/library/busybox:latest`);
    expect(images.stdout).toContain(bb.manifestDigest);
    expect(images.stdout).toContain('linux/amd64');
    const content = await stockCtr(daemon, ['-n', 'other', 'content', 'ls', '-q']);
    expect(content.stdout.trim().split('\n').sort()).toEqual([bb.manifestDigest, bb.configDigest, ...bb.layers.map((l) => l.digest)].sort());
    const snaps = await stockCtr(daemon, ['-n', 'other', 'snapshots', 'ls']);
    expect(snaps.stdout).toMatch(new RegExp(`${topChainId(bb)}\\s+Committed`));
    const defaults = await stockCtr(daemon, ['images', 'ls', '-q']);
    expect(defaults.stdout.trim()).toBe(`${registry.host}/test/multi:v1`);
  });

  test('ctr reads content, removes an image, and sees events', async () => {
    const got = await stockCtr(daemon, ['-n', 'other', 'content', 'get', bb.configDigest]);
    expect(JSON.parse(got.stdout)).toMatchObject({ os: 'linux', rootfs: { type: 'layers' } });
    const events = require('node:child_process').spawn('ctr', ['--address', daemon.socket, 'events']);
    let seen = '';
    events.stdout.on('data', (c: Buffer) => (seen += c.toString()));
    events.stderr.on('data', (c: Buffer) => (seen += c.toString()));
    await new Promise((r) => setTimeout(r, 500));
    const rm = await stockCtr(daemon, ['-n', 'other', 'images', 'rm', `${registry.host}/library/busybox:latest`]);
    expect(rm.code).toBe(0);
    for (let i = 0; i < 50 && !seen.includes('/images/delete'); i++) await new Promise((r) => setTimeout(r, 100));
    events.kill();
    expect(seen).toMatch(/other\s+\/images\/delete\s+\{"name":"[^"]*busybox:latest"\}/);
  });
});
