import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { buildBusyboxImage, makeBundle, sha256Digest, type BuiltImage } from '../src/index.js';
import { hostArchitecture } from '../src/image/platform.js';
import { runCommand, runOk } from './run-command.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

const CLI = path.join(__dirname, '..', 'src', 'image', 'main.js');

interface TarListing {
  path: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkpath: string;
  body: Buffer;
}

function listTar(data: Buffer): TarListing[] {
  const out: TarListing[] = [];
  const parser = new Parser({ strict: true });
  parser.on('entry', (e: ReadEntry) => {
    const chunks: Buffer[] = [];
    e.on('data', (c: Buffer) => chunks.push(c));
    e.on('end', () =>
      out.push({
        path: e.path,
        type: e.type,
        mode: (e.mode ?? 0) & 0o7777,
        uid: e.uid ?? -1,
        gid: e.gid ?? -1,
        mtime: e.mtime?.getTime() ?? -1,
        linkpath: e.linkpath ?? '',
        body: Buffer.concat(chunks),
      }),
    );
  });
  parser.end(data);
  return out;
}

describe('busybox test image', () => {
  let tmp: string;
  let image: BuiltImage;

  beforeAll(async () => {
    tmp = makeTempDir('tools-busybox');
    image = await buildBusyboxImage({ outDir: path.join(tmp, 'layout'), archivePath: path.join(tmp, 'busybox.tar') });
  });

  afterAll(() => removeTempDir(tmp));

  test('every blob is stored under its own digest and the descriptors agree', () => {
    const blobs = path.join(image.layoutDir, 'blobs', 'sha256');
    for (const name of fs.readdirSync(blobs)) expect(sha256Digest(fs.readFileSync(path.join(blobs, name)))).toBe(`sha256:${name}`);
    const index = JSON.parse(fs.readFileSync(path.join(image.layoutDir, 'index.json'), 'utf8'));
    expect(index.manifests).toEqual([
      expect.objectContaining({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: image.manifestDigest,
        size: image.manifestSize,
        annotations: { 'io.containerd.image.name': 'docker.io/library/busybox:latest', 'org.opencontainers.image.ref.name': 'latest' },
      }),
    ]);
    expect(JSON.parse(fs.readFileSync(path.join(image.layoutDir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });

    const layer = image.layers[0];
    if (!layer) throw new Error('no layer');
    const gz = fs.readFileSync(path.join(blobs, layer.digest.slice(7)));
    expect(gz.length).toBe(layer.size);
    expect(sha256Digest(zlib.gunzipSync(gz))).toBe(layer.diffId);

    const config = JSON.parse(fs.readFileSync(path.join(blobs, image.configDigest.slice(7)), 'utf8'));
    expect(config).toMatchObject({
      architecture: hostArchitecture(),
      os: 'linux',
      config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    });
    expect(config.history).toHaveLength(1);
  });

  test('the layer holds busybox, its applets, the base dirs and users, with fixed metadata and no PAX records', () => {
    const layer = image.layers[0];
    if (!layer) throw new Error('no layer');
    const tar = zlib.gunzipSync(fs.readFileSync(path.join(image.layoutDir, 'blobs', 'sha256', layer.digest.slice(7))));
    expect(tar.includes('PaxHeader')).toBe(false);
    const entries = listTar(tar);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(entries.map((e) => e.path)).toEqual([...entries.map((e) => e.path)].sort());
    expect(entries.every((e) => e.mtime === 0)).toBe(true);

    const busybox = byPath.get('bin/busybox');
    expect(busybox).toMatchObject({ type: 'File', mode: 0o755, uid: 0, gid: 0 });
    expect(busybox?.body.equals(fs.readFileSync('/bin/busybox'))).toBe(true);
    expect(byPath.get('bin/sh')).toMatchObject({ type: 'SymbolicLink', linkpath: 'busybox' });
    expect(byPath.get('bin/ls')).toMatchObject({ type: 'SymbolicLink', linkpath: 'busybox' });
    expect(byPath.get('tmp/')).toMatchObject({ type: 'Directory', mode: 0o1777 });
    for (const dir of ['dev/', 'proc/', 'sys/', 'etc/', 'root/', 'var/www/', 'home/']) expect(byPath.get(dir)?.type).toBe('Directory');
    expect(byPath.get('home/user/')).toMatchObject({ uid: 1000, gid: 1000 });
    const passwd = byPath.get('etc/passwd')?.body.toString() ?? '';
    expect(passwd).toMatch(/^root:x:0:0:/m);
    expect(passwd).toMatch(/^nobody:x:65534:65534:/m);
    expect(passwd).toMatch(/^user:x:1000:1000:/m);
    expect(byPath.get('etc/group')?.body.toString()).toMatch(/^root:x:0:/m);
  });

  test('skopeo inspect reads the layout and reports the same manifest, layers and config', async () => {
    const info = JSON.parse(await runOk('skopeo', ['inspect', `oci:${image.layoutDir}`]));
    expect(info.Digest).toBe(image.manifestDigest);
    expect(info.Layers).toEqual(image.layers.map((l) => l.digest));
    expect(info.Architecture).toBe(hostArchitecture());
    expect(info.Os).toBe('linux');
    const config = JSON.parse(await runOk('skopeo', ['inspect', '--config', `oci:${image.layoutDir}:latest`]));
    expect(config.config.Cmd).toEqual(['sh']);
  });

  test('umoci unpacks the layout into a bundle with a runnable busybox', async () => {
    const bundle = path.join(tmp, 'umoci-bundle');
    await runOk('umoci', ['unpack', '--image', `${image.layoutDir}:latest`, bundle]);
    const rootfs = path.join(bundle, 'rootfs');
    expect(fs.statSync(path.join(rootfs, 'bin', 'busybox')).isFile()).toBe(true);
    expect(fs.readlinkSync(path.join(rootfs, 'bin', 'sh'))).toBe('busybox');
    expect(fs.statSync(path.join(rootfs, 'tmp')).mode & 0o7777).toBe(0o1777);
    expect(await runOk(path.join(rootfs, 'bin', 'busybox'), ['echo', 'hi'])).toBe('hi\n');
  });

  test('the archive is an OCI layout and a docker save archive at once', async () => {
    const archive = image.archivePath ?? '';
    const entries = listTar(fs.readFileSync(archive));
    const names = entries.map((e) => e.path);
    expect(names).toEqual(expect.arrayContaining(['oci-layout', 'index.json', 'manifest.json', `blobs/sha256/${image.manifestDigest.slice(7)}`]));
    const manifest = JSON.parse(entries.find((e) => e.path === 'manifest.json')?.body.toString() ?? '');
    expect(manifest).toEqual([
      { Config: `blobs/sha256/${image.configDigest.slice(7)}`, RepoTags: ['docker.io/library/busybox:latest'], Layers: image.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`) },
    ]);
    const asOci = JSON.parse(await runOk('skopeo', ['inspect', `oci-archive:${archive}`]));
    expect(asOci.Digest).toBe(image.manifestDigest);
    // skopeo's docker-archive reader goes through manifest.json only, like `docker load`.
    const asDocker = JSON.parse(await runOk('skopeo', ['inspect', '--config', `docker-archive:${archive}`]));
    expect(asDocker.rootfs.diff_ids).toEqual(image.layers.map((l) => l.diffId));
    expect(asDocker.config.Cmd).toEqual(['sh']);
  });

  test('building twice gives the same digests and a byte-identical archive', async () => {
    const again = await buildBusyboxImage({ outDir: path.join(tmp, 'layout-again'), archivePath: path.join(tmp, 'again.tar') });
    expect(again.manifestDigest).toBe(image.manifestDigest);
    expect(again.configDigest).toBe(image.configDigest);
    expect(again.layers).toEqual(image.layers);
    expect(sha256Digest(fs.readFileSync(again.archivePath ?? ''))).toBe(sha256Digest(fs.readFileSync(image.archivePath ?? '')));
  });

  test('build-test-image CLI prints the built image as JSON', async () => {
    const out = path.join(tmp, 'cli-layout');
    const r = await runCommand(process.execPath, [CLI, '--out', out, '--tag', 'docker.io/library/busybox:latest', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const built = JSON.parse(r.stdout) as BuiltImage;
    expect(built.manifestDigest).toBe(image.manifestDigest);
    expect(built.layoutDir).toBe(out);
    const usage = await runCommand(process.execPath, [CLI]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: build-test-image --out DIR/);
  });

  test('makeBundle writes a rootfs and a config.json that Debian runc runs', async () => {
    const bundleDir = path.join(tmp, 'bundle');
    const bundle = await makeBundle({ image, bundleDir, args: ['sh', '-c', 'echo hello from $(id -u) in $(pwd)'] });
    expect(fs.statSync(path.join(bundle.rootfs, 'bin', 'busybox')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(bundle.rootfs, 'home', 'user')).uid).toBe(1000);
    const spec = JSON.parse(fs.readFileSync(bundle.configPath, 'utf8'));
    expect(spec).toMatchObject({
      process: { terminal: false, args: ['sh', '-c', 'echo hello from $(id -u) in $(pwd)'], cwd: '/', user: { uid: 0, gid: 0 } },
      root: { path: 'rootfs', readonly: false },
    });
    expect(spec.process.env).toContain('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(spec.process.capabilities.bounding).toHaveLength(14);
    expect(spec.linux.namespaces.map((n: { type: string }) => n.type)).toEqual(['pid', 'network', 'ipc', 'uts', 'mount']);
    expect(spec.mounts.map((m: { destination: string }) => m.destination)).toEqual(['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup']);

    const state = path.join(tmp, 'runc-state');
    const id = `tools-test-${process.pid}`;
    try {
      const r = await runCommand('runc', ['--root', state, 'run', '--bundle', bundleDir, id], 30_000);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('hello from 0 in /\n');
      expect(r.code).toBe(0);
    } finally {
      await runCommand('runc', ['--root', state, 'delete', '--force', id]);
    }
  });

  test('makeBundle takes the args from the image Cmd by default and refuses a non-empty rootfs', async () => {
    const bundleDir = path.join(tmp, 'bundle-default');
    const bundle = await makeBundle({ image: image.layoutDir, bundleDir });
    expect(bundle.spec.process.args).toEqual(['sh']);
    await expect(makeBundle({ image, bundleDir })).rejects.toThrow(/already holds a config.json or a non-empty rootfs/);
    expect(fs.existsSync(path.join(bundle.rootfs, 'bin', 'busybox'))).toBe(true);
  });
});
