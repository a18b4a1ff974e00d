// The layer applier against real directories (root: ownership, device whiteouts, xattrs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyTarStream } from '../src/core/unpack/apply-layer.js';
import { lgetxattr } from '../src/core/sys/linux.js';
import { buildTar, type Entry } from './support/tar-builder.js';
import { describeTree, mountAll, removeTree, tempDir } from './support/temp.js';

async function* once(b: Buffer): AsyncIterable<Buffer> {
  // Split into odd-sized chunks so headers straddle chunk boundaries.
  for (let i = 0; i < b.length; i += 777) yield b.subarray(i, i + 777);
}

function apply(root: string, entries: Entry[], lowers: string[] = [], whiteouts: 'overlay' | 'remove' = lowers.length ? 'overlay' : 'remove') {
  return applyTarStream(once(buildTar(entries)), { root, lowers, whiteouts });
}

describe('layer applier', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('apply-');
  });
  afterEach(() => removeTree(dir));

  const mk = (name: string) => {
    const p = path.join(dir, name);
    fs.mkdirSync(p);
    return p;
  };

  test('files, dirs, symlinks, hard links, owners, modes, long names and xattrs', async () => {
    const root = mk('root');
    const long = `d/${'x'.repeat(150)}`;
    await apply(root, [
      { path: 'd/', type: 'dir', mode: 0o750, uid: 1000, gid: 1000 },
      { path: 'd/f', type: 'file', content: 'hello', mode: 0o4755, uid: 1, gid: 2 },
      { path: 'd/l', type: 'symlink', linkname: '/etc/../f' },
      { path: 'd/h', type: 'hardlink', linkname: 'd/f' },
      { path: long, type: 'file', content: 'long' },
      { path: 'cap', type: 'file', content: 'c', xattrs: { 'user.test': 'v' } },
      { path: 'p', type: 'fifo' },
      { path: 'dev/null', type: 'char' },
    ]);
    const t = describeTree(root);
    expect(t['d']).toMatchObject({ type: 'dir', mode: 0o750, uid: 1000, gid: 1000 });
    expect(t['d/f']).toMatchObject({ type: 'file', mode: 0o4755, uid: 1, gid: 2, size: 5 });
    expect(t['d/l']).toMatchObject({ type: 'symlink', link: '/etc/../f' });
    expect(fs.statSync(path.join(root, 'd/h')).ino).toBe(fs.statSync(path.join(root, 'd/f')).ino);
    expect(fs.readFileSync(path.join(root, long), 'utf8')).toBe('long');
    expect(lgetxattr(path.join(root, 'cap'), 'user.test')?.toString()).toBe('v');
    expect(fs.lstatSync(path.join(root, 'p')).isFIFO()).toBe(true);
    // device nodes are not allowed by default: skipped
    expect(fs.existsSync(path.join(root, 'dev/null'))).toBe(false);
  });

  test('whiteouts in overlay form, and the merged view through a real overlay mount', async () => {
    const lower = mk('lower');
    const upper = mk('upper');
    const work = mk('work');
    const merged = mk('merged');
    await apply(lower, [
      { path: 'keep', type: 'file', content: 'k' },
      { path: 'gone', type: 'file', content: 'g' },
      { path: 'dir/', type: 'dir' },
      { path: 'dir/old', type: 'file', content: 'o' },
      { path: 'sub/', type: 'dir', mode: 0o700, uid: 7 },
      { path: 'sub/x', type: 'file', content: 'x' },
    ]);
    await apply(
      upper,
      [
        { path: '.wh.gone', type: 'file' },
        { path: 'dir/.wh..wh..opq', type: 'file' },
        { path: 'dir/new', type: 'file', content: 'n' },
        { path: 'sub/y', type: 'file', content: 'y' },
      ],
      [lower],
    );
    const gone = fs.lstatSync(path.join(upper, 'gone'));
    expect(gone.isCharacterDevice() && gone.rdev === 0).toBe(true);
    expect(lgetxattr(path.join(upper, 'dir'), 'trusted.overlay.opaque')?.toString()).toBe('y');
    // a parent missing from the layer is created with the lower layer's metadata
    expect(fs.statSync(path.join(upper, 'sub'))).toMatchObject({ uid: 7 });
    expect(fs.statSync(path.join(upper, 'sub')).mode & 0o777).toBe(0o700);
    mountAll([{ type: 'overlay', source: 'overlay', options: [`lowerdir=${lower}`, `upperdir=${upper}`, `workdir=${work}`] }], merged);
    expect(Object.keys(describeTree(merged)).sort()).toEqual(['dir', 'dir/new', 'keep', 'sub', 'sub/x', 'sub/y']);
  });

  test('whiteouts in remove form delete from a plain directory, opaque keeps this layer', async () => {
    const root = mk('root');
    await apply(root, [
      { path: 'a', type: 'file', content: 'a' },
      { path: 'd/', type: 'dir' },
      { path: 'd/old', type: 'file' },
    ]);
    await apply(root, [
      { path: '.wh.a', type: 'file' },
      { path: 'd/new', type: 'file' },
      { path: 'd/.wh..wh..opq', type: 'file' },
    ], [], 'remove');
    expect(Object.keys(describeTree(root)).sort()).toEqual(['d', 'd/new']);
  });

  test('a hard link to a file of a lower layer copies it up', async () => {
    const lower = mk('lower');
    const upper = mk('upper');
    await apply(lower, [{ path: 'bin/', type: 'dir' }, { path: 'bin/tool', type: 'file', content: 'T', mode: 0o755 }]);
    await apply(upper, [{ path: 'bin/alias', type: 'hardlink', linkname: 'bin/tool' }], [lower]);
    expect(fs.readFileSync(path.join(upper, 'bin/alias'), 'utf8')).toBe('T');
    expect(fs.statSync(path.join(upper, 'bin/tool')).ino).toBe(fs.statSync(path.join(upper, 'bin/alias')).ino);
  });

  test.each<[string, Entry[], RegExp]>([
    ['dot-dot path', [{ path: '../escape', type: 'file', content: 'x' }], /escapes the layer root/],
    ['deep dot-dot', [{ path: 'a/../../escape', type: 'file' }], /escapes the layer root/],
    ['symlinked parent', [{ path: 'evil', type: 'symlink', linkname: '/tmp' }, { path: 'evil/owned', type: 'file' }], /parent "evil" is a symbolic link/],
    ['relative symlinked parent', [{ path: 'evil', type: 'symlink', linkname: '../../..' }, { path: 'evil/owned', type: 'file' }], /symbolic link/],
    ['hard link out of the root', [{ path: 'h', type: 'hardlink', linkname: '../../etc/passwd' }], /escapes the layer root/],
    ['hard link through a symlink', [{ path: 's', type: 'symlink', linkname: '/etc' }, { path: 'h', type: 'hardlink', linkname: 's/passwd' }], /symbolic link/],
    ['hard link to nothing', [{ path: 'h', type: 'hardlink', linkname: 'etc/passwd' }], /does not exist/],
    ['whiteout through a symlink', [{ path: 's', type: 'symlink', linkname: '/etc' }, { path: 's/.wh.passwd', type: 'file' }], /symbolic link/],
  ])('refuses a malicious layer: %s', async (_name, entries, why) => {
    const root = mk('root');
    const outside = mk('outside');
    fs.writeFileSync(path.join(outside, 'sentinel'), 's');
    await expect(apply(root, entries)).rejects.toThrow(why);
    expect(fs.readdirSync(outside)).toEqual(['sentinel']);
    expect(fs.existsSync(path.join(dir, 'escape'))).toBe(false);
  });

  test('a symlink in a lower layer cannot redirect an upper layer', async () => {
    const lower = mk('lower');
    const upper = mk('upper');
    await apply(lower, [{ path: 'etc', type: 'symlink', linkname: '/etc' }]);
    await expect(apply(upper, [{ path: 'etc/passwd', type: 'file', content: 'pwned' }], [lower])).rejects.toThrow(/symbolic link in a lower layer/);
    expect(fs.readdirSync(upper)).toEqual([]);
  });

  test('a symlink in a deeper layer cannot make a copy-up read a host file', async () => {
    const l1 = mk('l1');
    const l2 = mk('l2');
    const upper = mk('upper');
    const secret = mk('secret');
    fs.writeFileSync(path.join(secret, 'shadow'), 'host secret');
    // l1: a -> the host directory; l2: a real directory `a` shadows it in the merged view.
    await apply(l1, [{ path: 'a', type: 'symlink', linkname: secret }]);
    await apply(l2, [{ path: 'a/', type: 'dir' }], [l1]);
    await expect(apply(upper, [{ path: 'x', type: 'hardlink', linkname: 'a/shadow' }], [l2, l1])).rejects.toThrow(/does not exist/);
    await expect(apply(upper, [{ path: 'a/shadow2/f', type: 'file', content: 'x' }], [l2, l1])).resolves.toBeDefined();
    expect(fs.existsSync(path.join(upper, 'x'))).toBe(false);
    expect(fs.readFileSync(path.join(secret, 'shadow'), 'utf8')).toBe('host secret');
    expect(fs.readdirSync(secret)).toEqual(['shadow']);
  });

  test('a truncated archive is an error', async () => {
    const root = mk('root');
    const tar = buildTar([{ path: 'f', type: 'file', content: 'x'.repeat(2000) }]);
    await expect(applyTarStream(once(tar.subarray(0, 1024)), { root, whiteouts: 'remove' })).rejects.toThrow(/unexpected end of archive/);
  });
});
