// The daemon for real: pull from the registry fixture, unpack, mount and compare; push back and pull
// by digest; import and export archives; GC after image removal.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pushOciLayout, startRegistry, type BuiltImage, type Registry } from '@stack/tools';
import { ctrTs, run, startTestDaemon, type TestDaemon } from './support/daemon.js';
import { busybox, expectedTree, multiLayer, snapshotTree, storeState, topChainId } from './support/images.js';
import { removeTree, tempDir } from './support/temp.js';

jest.setTimeout(180_000);

describe('containerd-ts pulls, pushes, imports and exports images', () => {
  let dir: string;
  let registry: Registry;
  let daemon: TestDaemon;
  let bb: BuiltImage;
  let multi: BuiltImage;

  beforeAll(async () => {
    dir = tempDir('pull-test-');
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

  test('pulls busybox with per-layer progress; the mounted snapshot equals the image', async () => {
    const ref = `${registry.host}/library/busybox:latest`;
    const r = await ctrTs(daemon, ['images', 'pull', ref]);
    expect(r.stderr).toMatch(/downloaded|exists/);
    expect(r.stderr).toMatch(/: unpacked/);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`${ref} ${bb.manifestDigest}`);
    const ls = JSON.parse((await ctrTs(daemon, ['--format', 'json', 'images', 'ls'])).stdout) as Array<{ name: string; target: { digest: string } }>;
    expect(ls).toEqual([expect.objectContaining({ name: ref, target: expect.objectContaining({ digest: bb.manifestDigest }) })]);
    expect(await snapshotTree(daemon, 'default', topChainId(bb), dir)).toEqual(expectedTree(bb, dir));
  });

  test('a multi-layer image with whiteouts and opaque dirs unpacks to the same tree as the image', async () => {
    const ref = `${registry.host}/test/multi:v1`;
    const r = await ctrTs(daemon, ['images', 'pull', ref]);
    expect(r.code).toBe(0);
    const snaps = JSON.parse((await ctrTs(daemon, ['--format', 'json', 'snapshots', 'ls'])).stdout) as Array<{ key: string; kind: string }>;
    expect(snaps.filter((s) => s.kind === 'Committed').length).toBe(1 + multi.layers.length);
    const tree = await snapshotTree(daemon, 'default', topChainId(multi), dir);
    expect(tree).toEqual(expectedTree(multi, dir));
    expect(tree['etc/config']).toBeDefined();
    expect(tree['opt/old']).toBeUndefined();
    expect(Object.keys(tree).filter((k) => k.startsWith('var/cache/'))).toEqual(['var/cache/c']);
  });

  test('two pulls of the same image at once both succeed', async () => {
    const ref = `${registry.host}/test/multi:v1`;
    const [a, b] = await Promise.all([ctrTs(daemon, ['-n', 'twice', 'images', 'pull', ref]), ctrTs(daemon, ['-n', 'twice', 'images', 'pull', ref])]);
    expect([a.stderr, b.stderr].join('')).not.toMatch(/ctr-ts:/);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(await snapshotTree(daemon, 'twice', topChainId(multi), dir)).toEqual(expectedTree(multi, dir));
  });

  test('push back to the registry and pull again by digest', async () => {
    const src = `${registry.host}/test/multi:v1`;
    const dst = `${registry.host}/pushed/multi:v2`;
    // ctr's order: the remote reference first, then the local image.
    const p = await ctrTs(daemon, ['images', 'push', dst, src]);
    expect(p.code).toBe(0);
    expect(p.stderr).toMatch(/uploaded|exists/);
    const res = await fetch(`${registry.url}/v2/pushed/multi/manifests/v2`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(res.headers.get('docker-content-digest')).toBe(multi.manifestDigest);
    const byDigest = `${registry.host}/pushed/multi@${multi.manifestDigest}`;
    const r = await ctrTs(daemon, ['-n', 'bydigest', 'images', 'pull', byDigest]);
    expect(r.code).toBe(0);
    const ls = JSON.parse((await ctrTs(daemon, ['-n', 'bydigest', '--format', 'json', 'images', 'ls'])).stdout) as Array<{ name: string; target: { digest: string } }>;
    expect(ls.map((i) => [i.name, i.target.digest])).toEqual([[byDigest, multi.manifestDigest]]);
    expect(await snapshotTree(daemon, 'bydigest', topChainId(multi), dir)).toEqual(expectedTree(multi, dir));
  });

  test('import an archive, export it again, and import the export elsewhere', async () => {
    const imp = await ctrTs(daemon, ['-n', 'imported', 'images', 'import', bb.archivePath as string]);
    expect(imp.code).toBe(0);
    expect(imp.stdout.trim()).toBe('docker.io/library/busybox:latest');
    expect(await snapshotTree(daemon, 'imported', topChainId(bb), dir)).toEqual(expectedTree(bb, dir));
    const out = path.join(dir, 'export.tar');
    const exp = await ctrTs(daemon, ['-n', 'imported', 'images', 'export', out, 'busybox']);
    expect(exp.code).toBe(0);
    const listing = (await run('tar', ['tf', out])).stdout.split('\n');
    expect(listing).toEqual(expect.arrayContaining(['oci-layout', 'index.json', 'manifest.json', `blobs/sha256/${bb.manifestDigest.slice(7)}`, `blobs/sha256/${bb.layers[0]?.digest.slice(7)}`]));
    const again = await ctrTs(daemon, ['-n', 'reimported', 'images', 'import', out]);
    expect(again.code).toBe(0);
    const ls = JSON.parse((await ctrTs(daemon, ['-n', 'reimported', '--format', 'json', 'images', 'ls'])).stdout) as Array<{ name: string; target: { digest: string } }>;
    expect(ls.map((i) => [i.name, i.target.digest])).toEqual([['docker.io/library/busybox:latest', bb.manifestDigest]]);
    // Debian's ctr accepts our export too.
    const stock = await run('ctr', ['--address', daemon.socket, '-n', 'stockimport', 'images', 'import', out]);
    expect(stock.stderr).toBe('');
    expect(stock.code).toBe(0);
  });

  test('a docker-save archive (manifest.json only) imports under its RepoTags', async () => {
    const unpacked = fs.mkdtempSync(path.join(dir, 'dockersave-'));
    await run('tar', ['xf', multi.archivePath as string, '-C', unpacked]);
    fs.rmSync(path.join(unpacked, 'index.json'));
    const archive = path.join(dir, 'docker-save.tar');
    await run('tar', ['cf', archive, '-C', unpacked, '.']);
    const r = await ctrTs(daemon, ['-n', 'dockersave', 'images', 'import', archive]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('docker.io/library/multi:latest');
    expect(await snapshotTree(daemon, 'dockersave', topChainId(multi), dir)).toEqual(expectedTree(multi, dir));
  });

  test('a legacy docker-save archive (<id>/layer.tar, <hex>.json, uncompressed layers) imports', async () => {
    const { gunzipSync } = require('node:zlib') as typeof import('node:zlib');
    const legacy = fs.mkdtempSync(path.join(dir, 'legacy-'));
    const blob = (d: string) => fs.readFileSync(path.join(multi.layoutDir, 'blobs', 'sha256', d.slice(7)));
    const layers = multi.layers.map((l, i) => {
      const id = `${String(i).padStart(2, '0')}${l.diffId.slice(9, 71)}`;
      fs.mkdirSync(path.join(legacy, id));
      fs.writeFileSync(path.join(legacy, id, 'layer.tar'), gunzipSync(blob(l.digest)));
      fs.writeFileSync(path.join(legacy, id, 'VERSION'), '1.0');
      return `${id}/layer.tar`;
    });
    fs.writeFileSync(path.join(legacy, `${multi.configDigest.slice(7)}.json`), blob(multi.configDigest));
    fs.writeFileSync(path.join(legacy, 'manifest.json'), JSON.stringify([{ Config: `${multi.configDigest.slice(7)}.json`, RepoTags: ['legacy/multi:old'], Layers: layers }]));
    fs.writeFileSync(path.join(legacy, 'repositories'), JSON.stringify({ 'legacy/multi': { old: 'x' } }));
    const archive = path.join(dir, 'legacy.tar');
    await run('tar', ['cf', archive, '-C', legacy, '.']);
    const r = await ctrTs(daemon, ['-n', 'legacy', 'images', 'import', archive]);
    expect(r.stderr).not.toMatch(/ctr-ts:/);
    expect(r.stdout.trim()).toBe('docker.io/legacy/multi:old');
    expect(await snapshotTree(daemon, 'legacy', topChainId(multi), dir)).toEqual(expectedTree(multi, dir));
    const ls = JSON.parse((await ctrTs(daemon, ['-n', 'legacy', '--format', 'json', 'images', 'ls'])).stdout) as Array<{ target: { mediaType: string } }>;
    expect(ls[0]?.target.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
  });

  test('GC removes exactly the blobs and snapshots no image needs any more', async () => {
    const ns = 'gc';
    await ctrTs(daemon, ['-n', ns, 'images', 'pull', `${registry.host}/library/busybox:latest`]);
    await ctrTs(daemon, ['-n', ns, 'images', 'pull', `${registry.host}/test/multi:v1`]);
    await ctrTs(daemon, ['-n', ns, 'images', 'tag', `${registry.host}/test/multi:v1`, `${registry.host}/test/multi:copy`]);
    const before = await storeState(daemon, ns);
    const rm1 = await ctrTs(daemon, ['-n', ns, 'images', 'rm', '--sync', `${registry.host}/test/multi:v1`]);
    expect(rm1.code).toBe(0);
    // Still tagged as :copy — nothing may go.
    const mid = await storeState(daemon, ns);
    expect(mid.content).toBe(before.content);
    expect(mid.snapshots).toBe(before.snapshots);
    expect((await ctrTs(daemon, ['-n', ns, 'images', 'rm', '--sync', `${registry.host}/test/multi:copy`])).code).toBe(0);
    const after = await storeState(daemon, ns);
    const bbBlobs = [bb.manifestDigest, bb.configDigest, ...bb.layers.map((l) => l.digest)].sort();
    expect(after.content.split('\n').sort()).toEqual(bbBlobs);
    const snaps = JSON.parse((await ctrTs(daemon, ['-n', ns, '--format', 'json', 'snapshots', 'ls'])).stdout) as Array<{ key: string }>;
    expect(snaps.map((s) => s.key)).toEqual([topChainId(bb)]);
    // Blobs still used by other namespaces stay on disk.
    expect((await storeState(daemon, 'default')).content.split('\n')).toContain(multi.layers[0]?.digest);
  });
});
