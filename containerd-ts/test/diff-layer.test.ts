// Diff.Diff's mechanism against a real overlay mount: changes made through the merged view become
// an OCI layer (whiteouts, opaque dirs, hard links, xattrs) that, applied onto the parent, gives
// exactly the merged tree back.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerTarChunks } from '../src/core/diff/layer-tar.js';
import { changesDir } from '../src/core/diff/write-layer.js';
import { TarReader, type TarHeader } from '../src/core/archive/tar-reader.js';
import { applyTarStream } from '../src/core/unpack/apply-layer.js';
import { lgetxattr, lsetxattr } from '../src/core/sys/linux.js';
import { buildTar, type Entry } from './support/tar-builder.js';
import { describeTree, removeTree, tempDir } from './support/temp.js';

const LOWER: Entry[] = [
  { path: 'keep', type: 'file', content: 'k' },
  { path: 'gone', type: 'file', content: 'g' },
  { path: 'dir/', type: 'dir' },
  { path: 'dir/old', type: 'file', content: 'o' },
  { path: 'sub/', type: 'dir', mode: 0o755 },
  { path: 'sub/x', type: 'file', content: 'x' },
  { path: 'sub/y', type: 'file', content: 'y' },
];

async function* chunks(b: Buffer): AsyncIterable<Buffer> {
  yield b;
}

async function collect(gen: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of gen) parts.push(c);
  return Buffer.concat(parts);
}

function entriesOf(tar: Buffer): TarHeader[] {
  const out: TarHeader[] = [];
  const r = new TarReader((h) => {
    out.push(h);
    return undefined;
  });
  r.push(tar);
  r.end();
  return out;
}

describe('diff of an overlay upper dir', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('diff-');
  });
  afterEach(() => removeTree(dir));

  test('changes through the merged view round-trip as a layer', async () => {
    const mk = (n: string) => {
      const p = path.join(dir, n);
      fs.mkdirSync(p);
      return p;
    };
    const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map(mk) as [string, string, string, string];
    await applyTarStream(chunks(buildTar(LOWER)), { root: lower, whiteouts: 'remove' });
    const mountMerged = () => execFileSync('mount', ['-t', 'overlay', 'overlay', merged, '-o', `index=off,lowerdir=${lower},upperdir=${upper},workdir=${work}`]);
    mountMerged();
    try {
      fs.writeFileSync(path.join(merged, 'keep'), 'changed');
      fs.rmSync(path.join(merged, 'gone'));
      fs.rmSync(path.join(merged, 'dir'), { recursive: true });
      fs.mkdirSync(path.join(merged, 'dir'));
      fs.writeFileSync(path.join(merged, 'dir/new'), 'n');
      fs.rmSync(path.join(merged, 'sub/x'));
      fs.chmodSync(path.join(merged, 'sub'), 0o700);
      fs.mkdirSync(path.join(merged, 'added/deep'), { recursive: true });
      fs.writeFileSync(path.join(merged, `added/deep/${'l'.repeat(150)}`), 'long name');
      fs.writeFileSync(path.join(merged, 'added/a'), 'hard');
      fs.linkSync(path.join(merged, 'added/a'), path.join(merged, 'added/b'));
      fs.symlinkSync('../keep', path.join(merged, 'added/link'));
      fs.chownSync(path.join(merged, 'added/a'), 1234, 5678);
      lsetxattr(path.join(merged, 'added/a'), 'user.note', Buffer.from('v1'));
      execFileSync('mkfifo', [path.join(merged, 'added/fifo')]);
    } finally {
      execFileSync('umount', [merged]);
    }

    const tar = await collect(layerTarChunks(upper));
    const names = entriesOf(tar).map((h) => `${h.type}:${h.name}${h.linkname ? `->${h.linkname}` : ''}`);
    expect(names).toEqual(expect.arrayContaining(['file:.wh.gone', 'dir:dir/', 'file:dir/.wh..wh..opq', 'file:dir/new', 'file:keep', 'file:sub/.wh.x', 'hardlink:added/b->added/a', 'symlink:added/link->../keep', 'fifo:added/fifo']));
    expect(names.some((n) => n.startsWith('file:dir/old'))).toBe(false);
    const a = entriesOf(tar).find((h) => h.name === 'added/a')!;
    expect(a).toMatchObject({ uid: 1234, gid: 5678 });
    expect(a.xattrs.get('user.note')?.toString()).toBe('v1');

    // Apply the layer onto a fresh copy of the parent: the result is the merged view.
    const applied = mk('applied');
    await applyTarStream(chunks(buildTar(LOWER)), { root: applied, whiteouts: 'remove' });
    await applyTarStream(chunks(tar), { root: applied, whiteouts: 'remove' });
    mountMerged();
    let expected;
    try {
      expected = describeTree(merged);
    } finally {
      execFileSync('umount', [merged]);
    }
    expect(describeTree(applied)).toEqual(expected);
    expect(lgetxattr(path.join(applied, 'added/a'), 'user.note')?.toString()).toBe('v1');
    expect(fs.statSync(path.join(applied, 'added/b')).ino).toBe(fs.statSync(path.join(applied, 'added/a')).ino);
  });

  test('the same tree always gives the same bytes', async () => {
    const root = path.join(dir, 'root');
    fs.mkdirSync(root);
    await applyTarStream(chunks(buildTar(LOWER)), { root, whiteouts: 'remove' });
    expect((await collect(layerTarChunks(root))).equals(await collect(layerTarChunks(root)))).toBe(true);
  });

  test('only an active snapshot against its own parent is diffed', () => {
    const over = (lower: string) => [{ type: 'overlay', source: 'overlay', options: ['index=off', 'workdir=/w', 'upperdir=/s/2/fs', `lowerdir=${lower}`] }];
    expect(changesDir([{ type: 'bind', source: '/s/1/fs', options: ['ro', 'rbind'] }], over('/s/1/fs'))).toBe('/s/2/fs');
    expect(changesDir([{ type: 'overlay', source: 'overlay', options: ['lowerdir=/s/1/fs:/s/0/fs'] }], over('/s/1/fs:/s/0/fs'))).toBe('/s/2/fs');
    expect(changesDir([], [{ type: 'bind', source: '/s/0/fs', options: ['rw', 'rbind'] }])).toBe('/s/0/fs');
    expect(() => changesDir([{ type: 'bind', source: '/s/9/fs', options: ['ro', 'rbind'] }], over('/s/1/fs'))).toThrow(/only an active snapshot against its own parent/);
    expect(() => changesDir([], [{ type: 'tmpfs', source: 'x', options: [] }])).toThrow(/only an active snapshot/);
  });
});
