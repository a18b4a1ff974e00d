// `engine export` / GET /containers/{id}/export side by side with Debian's dockerd: the same
// container gives a tar with the same entries (names, types, modes, owners); running containers
// export too, and a client that drops the stream leaves no mount behind.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { ReferenceDockerd } from '@stack/tools';
import { startBesideDockerd, type BesideDockerd } from './support/beside-dockerd.js';
import type { Stack } from './support/stack.js';

jest.setTimeout(180_000);

let s: Stack;
let side: BesideDockerd;
let dockerd: ReferenceDockerd;

beforeAll(async () => {
  side = await startBesideDockerd();
  ({ s, dockerd } = side);
}, 180_000);

afterAll(async () => {
  await side?.stop(['ex']);
}, 90_000);

/**
 * dockerd's init layer (mount points with its own modes, /.dockerenv, /etc/mtab) is not ours: the
 * runtime makes its mount points on its own terms. Set aside when comparing.
 */
const INIT_LAYER = new Set(['.dockerenv', 'dev/console', 'dev/pts/', 'dev/shm/', 'etc/mtab', 'etc/hostname', 'etc/hosts', 'etc/resolv.conf']);

/** `tar -tv` with numeric owners (dockerd also writes the host's user names) and without times, sorted. */
function listing(file: string): string[] {
  return execFileSync('tar', ['--numeric-owner', '-tvf', file], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter((l) => !INIT_LAYER.has((l.split(/\s+/)[5] ?? '').replace(/ -> .*/, '')))
    .map((l) => {
      const f = l.split(/\s+/);
      return `${f[0]} ${f[1]} ${f[2]} ${f.slice(5).join(' ')}`;
    })
    .sort();
}

test('the same container exports the same tree as under dockerd', async () => {
  const script = 'echo data > /exported && rm /bin/ls && mkdir -p /d/e && ln -s /exported /d/link';
  for (const run of [(a: string[]) => s.engine(a), (a: string[]) => dockerd.docker(a)]) {
    expect((await run(['run', '--name', 'ex', '--network', 'none', 'busybox', 'sh', '-c', script])).code).toBe(0);
  }
  const ours = path.join(s.dir, 'ours.tar');
  const ref = path.join(s.dir, 'ref.tar');
  const r = await s.engine(['export', '-o', ours, 'ex']);
  expect(r.stderr).toBe('');
  expect((await dockerd.docker(['export', '-o', ref, 'ex'])).code).toBe(0);
  expect(listing(ours)).toEqual(listing(ref));
  expect(execFileSync('tar', ['-xOf', ours, 'exported'], { encoding: 'utf8' })).toBe('data\n');
  // The stock docker CLI through engined writes the same archive.
  const viaDocker = path.join(s.dir, 'via-docker.tar');
  expect((await s.docker(['export', '-o', viaDocker, 'ex'])).code).toBe(0);
  expect(listing(viaDocker)).toEqual(listing(ours));
});

test('a running container exports; a dropped client leaves no mount and engined serves on', async () => {
  expect((await s.engine(['run', '-d', '--name', 'live', '--network', 'none', 'busybox', 'sh', '-c', 'echo live > /live; sleep 600'])).code).toBe(0);
  const out = path.join(s.dir, 'live.tar');
  expect((await s.engine(['export', '-o', out, 'live'])).code).toBe(0);
  expect(execFileSync('tar', ['-xOf', out, 'live'], { encoding: 'utf8' })).toBe('live\n');
  // Read a few bytes, then hang up.
  await new Promise<void>((resolve) => {
    const req = http.get({ socketPath: s.socket, path: '/v1.41/containers/live/export' }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', () => resolve());
  });
  await new Promise((res) => setTimeout(res, 1000));
  const mounts = fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.includes('engine-export-'));
  expect(mounts).toEqual([]);
  expect((await s.engine(['inspect', '-f', '{{.State.Running}}', 'live'])).stdout).toBe('true\n');
  await s.engine(['rm', '-f', 'live']);
});

test('unknown container: 404', async () => {
  const r = await s.api('GET', '/v1.41/containers/nope/export');
  expect(r.status).toBe(404);
  expect(JSON.parse(r.body).message).toBe('No such container: nope');
});

test('import of an exported tree: same image as dockerd makes (diff ID, config, history), runs', async () => {
  const tar = path.join(s.dir, 'ours.tar');
  const gz = path.join(s.dir, 'ours.tar.gz');
  execFileSync('sh', ['-c', 'gzip -c "$1" > "$2"', 'sh', tar, gz]);
  const args = (file: string, ref: string) => ['import', '-m', 'from a test', '-c', 'CMD ["cat", "/exported"]', '-c', 'ENV K=V', file, ref];
  const fmt = async (run: (a: string[]) => Promise<{ stdout: string }>, ref: string) =>
    (await run(['inspect', '--type', 'image', '-f', '{{json .RootFS.Layers}} {{json .Config.Cmd}} {{json .Config.Env}} {{.Comment}}', ref])).stdout;
  const ours = await s.engine(args(tar, 'imported:v1'));
  expect(ours.stderr).toBe('');
  expect(ours.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  expect((await dockerd.docker(args(tar, 'imported:v1'))).code).toBe(0);
  expect(await fmt((a) => s.engine(a), 'imported:v1')).toBe(await fmt((a) => dockerd.docker(a), 'imported:v1'));
  expect((await s.engine(['run', '--rm', '--network', 'none', 'imported:v1'])).stdout).toBe('data\n');
  // gzip input is the same layer; through the stock docker CLI too.
  expect((await s.docker(['import', gz, 'imported:gz'])).code).toBe(0);
  const layers = async (ref: string) => (await s.engine(['inspect', '--type', 'image', '-f', '{{json .RootFS.Layers}}', ref])).stdout;
  expect(await layers('imported:gz')).toBe(await layers('imported:v1'));
});

test('import refuses what it cannot read, and tags nothing', async () => {
  const junk = path.join(s.dir, 'junk.bz2');
  fs.writeFileSync(junk, Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(100)]));
  const r = await s.engine(['import', junk, 'bad:bz2']);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(/bzip2-compressed archives are not supported/);
  const notTar = path.join(s.dir, 'not.tar');
  fs.writeFileSync(notTar, 'this is not a tar archive at all, just some words\n'.repeat(20));
  const r2 = await s.engine(['import', notTar, 'bad:tar']);
  expect(r2.code).not.toBe(0);
  for (const ref of ['bad:bz2', 'bad:tar']) expect((await s.engine(['inspect', '--type', 'image', ref])).code).not.toBe(0);
});
