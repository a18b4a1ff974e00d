// Diff.Diff side by side: Debian's stock `ctr snapshots diff` against containerd-ts and against
// Debian's containerd, on the same image and the same changes; the two layers hold the same entries.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startReferenceContainerd, type BuiltImage, type ReferenceContainerd } from '@stack/tools';
import { startTestDaemon, stockCtr, type TestDaemon } from './support/daemon.js';
import { multiLayer, topChainId } from './support/images.js';
import { removeTree, tempDir } from './support/temp.js';

jest.setTimeout(180_000);

type Ctr = (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

/** Prepares an active snapshot on the image, changes it through a mount, and returns `tar -tv` of its diff. */
async function diffListing(socket: string, img: BuiltImage, scratch: string, key: string): Promise<string[]> {
  const ctr: Ctr = async (args) => {
    try {
      return { code: 0, stdout: execFileSync('ctr', ['--address', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), stderr: '' };
    } catch (err) {
      const e = err as { status?: number; stdout?: string; stderr?: string };
      return { code: e.status ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const prep = await ctr(['snapshots', 'prepare', key, topChainId(img)]);
  expect(prep.stderr).toBe('');
  const target = fs.mkdtempSync(path.join(scratch, 'mnt-'));
  const m = await ctr(['snapshots', 'mounts', target, key]);
  expect(m.code).toBe(0);
  execFileSync('sh', ['-c', m.stdout]);
  try {
    execFileSync('sh', [
      '-c',
      [
        'set -e',
        'cd "$1"',
        'echo changed > etc/os-release',
        'rm srv/data/big',
        'rm -r var/cache && mkdir var/cache && echo new > var/cache/new',
        'mkdir -p added/deep && echo hi > added/deep/file && ln added/deep/file added/hard && ln -s ../etc added/link',
        'chmod 700 home/user',
      ].join('\n'),
      'sh',
      target,
    ]);
  } finally {
    execFileSync('umount', [target]);
  }
  // ctr writes the layer blob to stdout: straight into a file.
  const out = path.join(scratch, `${key}.tgz`);
  execFileSync('sh', ['-c', 'ctr --address "$1" snapshots diff "$2" > "$3"', 'sh', socket, key, out]);
  await ctr(['snapshots', 'rm', key]);
  // name, type and mode of every entry; times and link counts differ between runs by nature.
  return execFileSync('tar', ['-tvzf', out], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => {
      const f = l.split(/\s+/);
      return `${f[0]} ${f[1]} ${f.slice(5).join(' ')}`;
    })
    .sort();
}

describe('ctr snapshots diff: containerd-ts vs containerd', () => {
  let dir: string;
  let ours: TestDaemon;
  let ref: ReferenceContainerd;
  let img: BuiltImage;

  beforeAll(async () => {
    dir = tempDir('diff-diff-');
    img = await multiLayer(dir);
    ours = await startTestDaemon();
    ref = await startReferenceContainerd({ dir: path.join(dir, 'ref') });
  });

  afterAll(async () => {
    await ours?.stop();
    ours?.cleanup();
    await ref?.stop();
    if (dir) removeTree(dir);
  });

  test('the same changes give the same layer entries', async () => {
    const archive = path.join(dir, 'multi.tar');
    expect((await stockCtr(ours, ['images', 'import', archive])).code).toBe(0);
    expect((await ref.ctr(['images', 'import', archive])).code).toBe(0);
    const a = await diffListing(ours.socket, img, dir, 'a1');
    const b = await diffListing(ref.socket, img, dir, 'b1');
    const isWhiteout = (l: string) => l.includes('/.wh.');
    expect(a.filter((l) => !isWhiteout(l))).toEqual(b.filter((l) => !isWhiteout(l)));
    // A directory removed and made anew: containerd's walking differ deletes each old entry
    // (.wh.c); we write the upper dir's opaque mark, as dockerd's overlay2 does. Same tree.
    expect(b.filter(isWhiteout)).toEqual(['---------- 0/0 srv/data/.wh.big', '---------- 0/0 var/cache/.wh.c']);
    expect(a.filter(isWhiteout)).toEqual(['---------- 0/0 srv/data/.wh.big', '---------- 0/0 var/cache/.wh..wh..opq']);
  });
});
