// `engine diff` / GET /containers/{id}/changes side by side with Debian's dockerd (overlay2) on the
// same busybox image and the same changes; the stock docker CLI against engined prints the same.
import type { ReferenceDockerd } from '@stack/tools';
import { startBesideDockerd, type BesideDockerd } from './support/beside-dockerd.js';
import type { Stack } from './support/stack.js';

jest.setTimeout(180_000);

const SCRIPT = [
  'echo changed > /etc/hostname.copy',
  'echo x >> /etc/group',
  'rm /bin/ls',
  'mkdir -p /new/deep && echo hi > /new/deep/file',
  'rm -rf /home && mkdir /home && touch /home/again',
  'mkdir -p /tmp/made',
].join(' && ');

let s: Stack;
let side: BesideDockerd;
let dockerd: ReferenceDockerd;

beforeAll(async () => {
  side = await startBesideDockerd();
  ({ s, dockerd } = side);
}, 180_000);

afterAll(async () => {
  await side?.stop(['ch']);
}, 90_000);

test('the same changes are reported as dockerd reports them', async () => {
  for (const run of [(a: string[]) => s.engine(a), (a: string[]) => dockerd.docker(a)]) {
    const r = await run(['run', '--name', 'ch', '--network', 'none', 'busybox', 'sh', '-c', SCRIPT]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }
  // dockerd lists a tree diff in Go map order, which varies run to run: compare as sets.
  const lines = (r: { stdout: string }) => r.stdout.trim().split('\n').sort();
  const ref = await dockerd.docker(['diff', 'ch']);
  const ours = await s.engine(['diff', 'ch']);
  expect(ours.stderr).toBe('');
  expect(lines(ours)).toEqual(lines(ref));
  expect(ref.stdout).toMatch(/^D \/bin\/ls$/m);
  expect(ref.stdout).toMatch(/^A \/new\/deep\/file$/m);
  // The stock client against engined, and the raw API answer's shape.
  expect((await s.docker(['diff', 'ch'])).stdout).toBe(ours.stdout);
  const api = await s.api('GET', '/v1.41/containers/ch/changes');
  expect(api.status).toBe(200);
  expect(JSON.parse(api.body)).toContainEqual({ Path: '/bin/ls', Kind: 2 });
});

test('no changes: dockerd answers null and docker diff prints nothing', async () => {
  expect((await s.engine(['create', '--name', 'clean', 'busybox', 'true'])).code).toBe(0);
  const api = await s.api('GET', '/v1.41/containers/clean/changes');
  expect(api.status).toBe(200);
  expect(api.body.trim()).toBe('null');
  expect((await s.engine(['diff', 'clean'])).stdout).toBe('');
});

test('unknown container: 404 as dockerd', async () => {
  const ours = await s.engine(['diff', 'nope']);
  const ref = await dockerd.docker(['diff', 'nope']);
  expect(ref.code).not.toBe(0);
  expect(ours.code).not.toBe(0);
  expect(ref.stderr).toContain('No such container: nope');
  expect(ours.stderr).toContain('No such container: nope');
});
