// Images beside Debian's dockerd 20.10 (same steps on both, answers compared): rmi of an image a
// running container uses, RepoDigests after a load and after a push that failed, and loading an
// archive whose content is already there (ours and a `docker save` of dockerd's).
import * as path from 'node:path';
import type { ReferenceDockerd } from '@stack/tools';
import { startBesideDockerd, type BesideDockerd } from './support/beside-dockerd.js';
import type { Stack } from './support/stack.js';

let s: Stack;
let side: BesideDockerd;
let dockerd: ReferenceDockerd;

beforeAll(async () => {
  side = await startBesideDockerd();
  ({ s, dockerd } = side);
}, 180_000);

afterAll(async () => {
  await side?.stop(['user']);
}, 90_000);

type Run = (args: readonly string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
const ours: Run = (args) => s.docker(args);
const theirs: Run = (args) => dockerd!.docker(args);

/** IDs differ between the daemons; what is compared is everything else. */
const plain = (r: { code: number; stdout: string; stderr: string }) => ({
  code: r.code,
  stdout: r.stdout.replace(/\b[a-f0-9]{64}\b/g, '<ID>').replace(/\b[a-f0-9]{12}\b/g, '<id>'),
  stderr: r.stderr.replace(/\b[a-f0-9]{64}\b/g, '<ID>').replace(/\b[a-f0-9]{12}\b/g, '<id>'),
});

async function both(args: readonly string[]): Promise<ReturnType<typeof plain>> {
  const [a, b] = await Promise.all([ours(args), theirs(args)]);
  expect(plain(a)).toEqual(plain(b));
  return plain(a);
}

test('rmi of an image a running container uses: refused without -f (409), as dockerd', async () => {
  await both(['tag', 'busybox:latest', 'inuse:1']);
  const net = (run: Run, extra: string[]) => run(['run', '-d', '--name', 'user', ...extra, 'inuse:1', 'sleep', '1000']);
  expect((await net(ours, [])).code).toBe(0);
  expect((await net(theirs, ['--network', 'none'])).code).toBe(0);
  // Another tag exists (busybox:latest): removing this one is only an untag.
  await both(['tag', 'inuse:1', 'inuse:2']);
  expect((await both(['rmi', 'inuse:2'])).stdout).toBe('Untagged: inuse:2\n');
  await both(['rmi', 'busybox:latest']);
  // Now the container's image has one name left.
  const byName = await both(['rmi', 'inuse:1']);
  expect(byName.code).toBe(1);
  expect(byName.stderr).toMatch(/conflict: unable to remove repository reference "inuse:1" \(must force\) - container <id> is using its referenced image <id>/);
  const id = (await ours(['inspect', '-f', '{{.Id}}', 'inuse:1'])).stdout.trim();
  const theirId = (await theirs(['inspect', '-f', '{{.Id}}', 'inuse:1'])).stdout.trim();
  const [a, b] = await Promise.all([ours(['rmi', id]), theirs(['rmi', theirId])]);
  expect(plain(a)).toEqual(plain(b));
  expect(a.stderr).toMatch(/image is being used by running container/);
  // The API status clients see.
  expect((await s.api('DELETE', `/v1.41/images/inuse:1`)).status).toBe(409);
  // -f untags and keeps the image for the running container.
  expect((await both(['rmi', '-f', 'inuse:1'])).stdout).toBe('Untagged: inuse:1\n');
  await Promise.all([ours(['rm', '-f', 'user']), theirs(['rm', '-f', 'user'])]);
  await both(['load', '-i', s.busyboxArchive]);
}, 120_000);

test('RepoDigests: none after a load, none after a push that failed', async () => {
  const digests = async (run: Run, name: string) => (await run(['inspect', '-f', '{{json .RepoDigests}}', name])).stdout.trim();
  expect(await digests(ours, 'busybox:latest')).toBe(await digests(theirs, 'busybox:latest'));
  expect(await digests(ours, 'busybox:latest')).toBe('[]');
  // Nothing listens on port 1 of the loopback: the push fails.
  await both(['tag', 'busybox:latest', '127.0.0.1:1/nowhere:1']);
  const [a, b] = await Promise.all([ours(['push', '127.0.0.1:1/nowhere:1']), theirs(['push', '127.0.0.1:1/nowhere:1'])]);
  expect(a.code).toBe(1);
  expect(a.code).toBe(b.code);
  expect(await digests(ours, '127.0.0.1:1/nowhere:1')).toBe('[]');
  expect(await digests(theirs, '127.0.0.1:1/nowhere:1')).toBe('[]');
  await both(['rmi', '127.0.0.1:1/nowhere:1']);
}, 120_000);

test('load of an archive whose content already exists succeeds (ours and dockerd`s docker save)', async () => {
  const again = await both(['load', '-i', s.busyboxArchive]);
  expect(again.stdout).toBe('Loaded image: busybox:latest\n');
  // dockerd's own save (its legacy layout: <id>/layer.tar, <config>.json, manifest.json).
  const archive = path.join(s.dir, 'dockerd-save.tar');
  expect((await theirs(['save', '-o', archive, 'busybox:latest'])).code).toBe(0);
  // Twice: the second time its legacy layer.tar (stored by no expected digest) already exists.
  for (let i = 0; i < 2; i++) {
    const r = await ours(['load', '-i', archive]);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: 'Loaded image: busybox:latest\n', stderr: '' });
  }
}, 120_000);
