// Image indexes with several platforms (host selection, --platform), and Docker schema2 manifests
// and manifest lists as a registry serves them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { startRegistry, writeOciImage, type BuiltImage, type Registry } from '@stack/tools';
import { ctrTs, startTestDaemon, type TestDaemon } from './support/daemon.js';
import { expectedTree, snapshotTree, topChainId } from './support/images.js';
import { removeTree, tempDir } from './support/temp.js';

jest.setTimeout(120_000);

function sha(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

/** One OCI layout whose index names both images' manifests with their platforms. */
function multiPlatformLayout(dir: string, images: Array<{ img: BuiltImage; arch: string }>): string {
  const out = path.join(dir, 'multi-platform');
  fs.mkdirSync(path.join(out, 'blobs', 'sha256'), { recursive: true });
  const manifests = [];
  for (const { img, arch } of images) {
    for (const f of fs.readdirSync(path.join(img.layoutDir, 'blobs', 'sha256'))) fs.copyFileSync(path.join(img.layoutDir, 'blobs', 'sha256', f), path.join(out, 'blobs', 'sha256', f));
    manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: img.manifestDigest, size: img.manifestSize, platform: { os: 'linux', architecture: arch } });
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  fs.writeFileSync(path.join(out, 'blobs', 'sha256', sha(index).slice(7)), index);
  fs.writeFileSync(path.join(out, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(path.join(out, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha(index), size: index.length, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }] }));
  return out;
}

function skopeo(args: string[]): void {
  execFileSync('skopeo', ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false', ...args], { stdio: 'pipe' });
}

describe('platforms and manifest formats', () => {
  let dir: string;
  let registry: Registry;
  let daemon: TestDaemon;
  let amd64: BuiltImage;
  let arm64: BuiltImage;

  beforeAll(async () => {
    dir = tempDir('platforms-');
    registry = await startRegistry();
    daemon = await startTestDaemon();
    amd64 = await writeOciImage({ outDir: path.join(dir, 'amd64'), layers: [{ entries: [{ path: 'arch', type: 'file', content: 'amd64\n' }] }], config: { architecture: 'amd64', os: 'linux' } });
    arm64 = await writeOciImage({ outDir: path.join(dir, 'arm64'), layers: [{ entries: [{ path: 'arch', type: 'file', content: 'arm64\n' }] }], config: { architecture: 'arm64', os: 'linux' } });
    const layout = multiPlatformLayout(dir, [{ img: arm64, arch: 'arm64' }, { img: amd64, arch: 'amd64' }]);
    skopeo(['--all', '--preserve-digests', `oci:${layout}:latest`, `docker://${registry.host}/test/multiarch:latest`]);
    skopeo(['--all', '--format', 'v2s2', `oci:${layout}:latest`, `docker://${registry.host}/test/dockerlist:latest`]);
  });

  afterAll(async () => {
    await daemon?.stop();
    daemon?.cleanup();
    await registry?.stop();
    if (dir) removeTree(dir);
  });

  test('an OCI index: the host platform is chosen, and --platform picks another', async () => {
    const ref = `${registry.host}/test/multiarch:latest`;
    expect((await ctrTs(daemon, ['images', 'pull', ref])).code).toBe(0);
    expect(await snapshotTree(daemon, 'default', topChainId(amd64), dir)).toEqual(expectedTree(amd64, dir));
    const ls = await ctrTs(daemon, ['images', 'ls']);
    expect(ls.stdout).toMatch(/application\/vnd\.oci\.image\.index\.v1\+json\s+sha256:\S+\s+[\d.]+ \S+\s+linux\/amd64\s/);
    const arm = await ctrTs(daemon, ['-n', 'arm', 'images', 'pull', '--platform', 'linux/arm64', ref]);
    expect(arm.code).toBe(0);
    expect(await snapshotTree(daemon, 'arm', topChainId(arm64), dir)).toEqual(expectedTree(arm64, dir));
    const none = await ctrTs(daemon, ['-n', 'none', 'images', 'pull', '--platform', 'linux/s390x', ref]);
    expect(none.stderr).toMatch(/no manifest for platform linux\/s390x \(image has: linux\/arm64, linux\/amd64\)/);
  });

  test('a Docker manifest list with schema2 manifests', async () => {
    const ref = `${registry.host}/test/dockerlist:latest`;
    const r = await ctrTs(daemon, ['-n', 'docker', 'images', 'pull', ref]);
    expect(r.code).toBe(0);
    const json = JSON.parse((await ctrTs(daemon, ['-n', 'docker', '--format', 'json', 'images', 'ls'])).stdout) as Array<{ target: { mediaType: string } }>;
    expect(json[0]?.target.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    const tree = await snapshotTree(daemon, 'docker', topChainId(amd64), dir);
    expect(tree['arch']).toMatchObject({ type: 'file', size: 6 });
  });

  test('an index image exports and imports again', async () => {
    const out = path.join(dir, 'index.tar');
    expect((await ctrTs(daemon, ['images', 'export', out, `${registry.host}/test/multiarch:latest`])).code).toBe(0);
    const r = await ctrTs(daemon, ['-n', 'reimport', 'images', 'import', out]);
    expect(r.stderr).not.toMatch(/ctr-ts:/);
    expect(r.stdout.trim()).toBe(`${registry.host}/test/multiarch:latest`);
    expect(await snapshotTree(daemon, 'reimport', topChainId(amd64), dir)).toEqual(expectedTree(amd64, dir));
  });
});
