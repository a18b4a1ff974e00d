import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeBundle, writeOciImage, type BuiltImage, type LayerSpec } from '../src/index.js';
import { runOk } from './run-command.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

const LONG_NAME = `long/${'z'.repeat(120)}`;
const UNICODE_NAME = 'ünïcode-名前.txt';
/** An absolute path that a naive unpacker would create on the host. */
const HOST_ESCAPE = `/tmp/tools-abs-escape-${process.pid}`;

/** Every path under root with type, mode, owner and content (or link target): comparable across unpackers. */
function describeTree(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const p = path.posix.join(rel, name);
      const full = path.join(root, p);
      const st = fs.lstatSync(full);
      const meta = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isSymbolicLink()) out.push(`${p} -> ${fs.readlinkSync(full)}`);
      else if (st.isDirectory()) {
        out.push(`${p}/ ${meta}`);
        walk(p);
      } else out.push(`${p} ${meta} ${createHash('sha256').update(fs.readFileSync(full)).digest('hex').slice(0, 12)}`);
    }
  };
  walk('');
  return out;
}

describe('multi-layer images with whiteouts', () => {
  let tmp: string;
  let image: BuiltImage;

  const layers: LayerSpec[] = [
    {
      entries: [
        { path: 'a', type: 'dir' },
        { path: 'a/keep', type: 'file', content: 'keep' },
        { path: 'a/gone', type: 'file', content: 'gone' },
        { path: 'b/old1', type: 'file', content: 'old1' },
        { path: 'b/sub/old2', type: 'file', content: 'old2' },
        { path: '/top', type: 'file', content: 'top', mode: 0o600, uid: 1000, gid: 1000 },
        { path: 'top-link', type: 'hardlink', linkname: 'top' },
        { path: './link', type: 'symlink', linkname: 'a/keep' },
        { path: LONG_NAME, type: 'file', content: 'long' },
        { path: UNICODE_NAME, type: 'file', content: 'unicode' },
        { path: 'usr/lib', type: 'dir', mode: 0o750 },
        { path: 'lib', type: 'symlink', linkname: 'usr/lib' },
      ],
      createdBy: 'base',
    },
    {
      entries: [
        { path: 'a/gone', type: 'whiteout' },
        { path: 'b', type: 'opaque' },
        { path: 'b/new', type: 'file', content: 'new' },
        { path: 'c/added', type: 'file', content: 'added', mode: 0o4755 },
      ],
      createdBy: 'changes',
    },
  ];

  beforeAll(async () => {
    tmp = makeTempDir('tools-layers');
    image = await writeOciImage({ outDir: path.join(tmp, 'layout'), layers, config: { cmd: ['/bin/true'], workingDir: '/a' }, refName: 'v1' });
  });

  afterAll(() => removeTempDir(tmp));

  function expectMergedTree(rootfs: string): void {
    const read = (p: string) => fs.readFileSync(path.join(rootfs, p), 'utf8');
    expect(read('a/keep')).toBe('keep');
    expect(fs.existsSync(path.join(rootfs, 'a/gone'))).toBe(false);
    expect(fs.readdirSync(path.join(rootfs, 'b'))).toEqual(['new']);
    expect(read('c/added')).toBe('added');
    expect(fs.statSync(path.join(rootfs, 'c/added')).mode & 0o7777).toBe(0o4755);
    const top = fs.statSync(path.join(rootfs, 'top'));
    expect([top.mode & 0o7777, top.uid, top.gid]).toEqual([0o600, 1000, 1000]);
    expect(fs.statSync(path.join(rootfs, 'top-link')).ino).toBe(top.ino);
    expect(fs.readlinkSync(path.join(rootfs, 'link'))).toBe('a/keep');
    expect(read(LONG_NAME)).toBe('long');
    expect(read(UNICODE_NAME)).toBe('unicode');
    expect(describeTree(rootfs).filter((l) => l.includes('.wh.'))).toEqual([]);
  }

  test('the layers carry whiteout markers and a PAX header only where a name needs one', async () => {
    const info = JSON.parse(await runOk('skopeo', ['inspect', `oci:${image.layoutDir}:v1`]));
    expect(info.Layers).toEqual(image.layers.map((l) => l.digest));
    expect(image.layers).toHaveLength(2);
    const config = JSON.parse(await runOk('skopeo', ['inspect', '--config', `oci:${image.layoutDir}:v1`]));
    expect(config.history.map((h: { created_by: string }) => h.created_by)).toEqual(['base', 'changes']);
    expect(config.config.WorkingDir).toBe('/a');
  });

  test('umoci unpack applies the whiteout and the opaque dir', async () => {
    const bundle = path.join(tmp, 'umoci');
    await runOk('umoci', ['unpack', '--image', `${image.layoutDir}:v1`, bundle]);
    expectMergedTree(path.join(bundle, 'rootfs'));
  });

  test('makeBundle produces the same tree as umoci', async () => {
    const bundle = await makeBundle({ image, bundleDir: path.join(tmp, 'ours') });
    expectMergedTree(bundle.rootfs);
    expect(bundle.spec.process.cwd).toBe('/a');
    expect(bundle.spec.process.args).toEqual(['/bin/true']);
    const umociRootfs = path.join(tmp, 'umoci', 'rootfs');
    if (!fs.existsSync(umociRootfs)) await runOk('umoci', ['unpack', '--image', `${image.layoutDir}:v1`, path.join(tmp, 'umoci')]);
    expect(describeTree(bundle.rootfs)).toEqual(describeTree(umociRootfs));
  });

  test('entries that would leave the image root are refused unless marked unsafe', async () => {
    const outDir = path.join(tmp, 'refused');
    await expect(writeOciImage({ outDir, layers: [{ entries: [{ path: 'a/../../x', type: 'file' }] }], config: {} })).rejects.toThrow(/contains '\.\.'/);
    await expect(writeOciImage({ outDir, layers: [{ entries: [{ path: 'x', type: 'file' }, { path: '/x', type: 'dir' }] }], config: {} })).rejects.toThrow(/two entries for x/);
    await expect(writeOciImage({ outDir, layers: [{ entries: [{ path: 'h', type: 'hardlink', linkname: 'nothing' }] }], config: {} })).rejects.toThrow(/not a file of this layer/);
    expect(fs.existsSync(outDir)).toBe(false);
  });
});

describe('makeBundle on malicious layers', () => {
  let tmp: string;
  let outside: string;

  beforeEach(() => {
    tmp = makeTempDir('tools-malicious');
    outside = path.join(tmp, 'outside');
    fs.mkdirSync(outside);
  });

  afterEach(() => removeTempDir(tmp));

  async function imageOf(layers: LayerSpec[]): Promise<BuiltImage> {
    return writeOciImage({ outDir: path.join(tmp, 'layout'), layers, config: { cmd: ['sh'] } });
  }

  test.each([
    ['a .. path', { path: '../escape', type: 'file' as const, content: 'x', unsafe: true }, /'\.\.' and would escape the rootfs/],
    ['a nested .. path', { path: 'ok/../../escape', type: 'file' as const, content: 'x', unsafe: true }, /would escape the rootfs/],
    ['an absolute path', { path: HOST_ESCAPE, type: 'file' as const, content: 'x', unsafe: true }, /absolute path and would escape/],
    ['a hardlink out of the root', { path: 'hl', type: 'hardlink' as const, linkname: '../../../etc/passwd', unsafe: true }, /hardlink hl.*would escape the rootfs/],
  ])('%s is refused and no bundle is left', async (_what, entry, message) => {
    const image = await imageOf([{ entries: [{ path: 'etc', type: 'dir' }, entry] }]);
    const bundleDir = path.join(tmp, 'bundle');
    await expect(makeBundle({ image, bundleDir })).rejects.toThrow(message);
    expect(fs.existsSync(bundleDir)).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'escape'))).toBe(false);
    expect(fs.existsSync(HOST_ESCAPE)).toBe(false);
  });

  test('writes through symlinks that point out of the root land inside the rootfs', async () => {
    const image = await imageOf([
      {
        entries: [
          { path: 'evil', type: 'symlink', linkname: outside },
          { path: 'up', type: 'symlink', linkname: '../../../../../../../..' },
          { path: 'usr/lib', type: 'dir' },
          { path: 'lib', type: 'symlink', linkname: 'usr/lib' },
          { path: 'same-layer', type: 'symlink', linkname: outside, unsafe: true },
          { path: 'same-layer/pwned0', type: 'file', content: 'x', unsafe: true },
        ],
      },
      {
        entries: [
          { path: 'evil/pwned1', type: 'file', content: 'x', unsafe: true },
          { path: 'up/pwned2', type: 'file', content: 'x', unsafe: true },
          { path: 'lib/libx.so', type: 'file', content: 'lib', unsafe: true },
        ],
      },
    ]);
    const bundle = await makeBundle({ image, bundleDir: path.join(tmp, 'bundle') });
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.existsSync(path.join(bundle.rootfs, outside, 'pwned0'))).toBe(true);
    expect(fs.existsSync(path.join(bundle.rootfs, outside, 'pwned1'))).toBe(true);
    expect(fs.existsSync(path.join(bundle.rootfs, 'pwned2'))).toBe(true);
    expect(fs.readFileSync(path.join(bundle.rootfs, 'usr/lib/libx.so'), 'utf8')).toBe('lib');
    expect(fs.readlinkSync(path.join(bundle.rootfs, 'evil'))).toBe(outside);
  });
});
