// Bad input gets Docker's error body and status, and leaves nothing half-created.
import * as fs from 'node:fs';
import { startStack, type Stack } from './support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
});

const snapshot = async () => ({
  containers: (await s.engine(['ps', '-aq'])).stdout,
  volumes: (await s.engine(['volume', 'ls', '-q'])).stdout,
  dirs: fs.readdirSync(`${s.dataRoot}/containers`).sort().join(','),
});

test('malformed JSON, wrong types, oversized bodies, unknown paths', async () => {
  const bad = await s.api('POST', '/v1.41/containers/create', '{"Image": "busybox",');
  expect(bad.status).toBe(400);
  expect(JSON.parse(bad.body)).toEqual({ message: expect.stringMatching(/invalid JSON/) });
  const arr = await s.api('POST', '/v1.41/containers/create', '[1,2]');
  expect(arr.status).toBe(400);
  const types = await s.api('POST', '/v1.41/containers/create', JSON.stringify({ Image: 'busybox', Env: 'A=1', HostConfig: { Memory: 'lots' } }));
  expect(types.status).toBe(400);
  const huge = await s.api('POST', '/v1.41/containers/create', JSON.stringify({ Image: 'busybox', Labels: { big: 'x'.repeat(6 * 1024 * 1024) } }));
  expect(huge.status).toBe(413);
  expect(JSON.parse(huge.body).message).toMatch(/too large/);
  const unknown = await s.api('GET', '/v1.41/nothing/here');
  expect(unknown.status).toBe(404);
  expect(JSON.parse(unknown.body)).toEqual({ message: 'page not found' });
  const tooNew = await s.api('GET', '/v1.99/version');
  expect(tooNew.status).toBe(400);
  expect(JSON.parse(tooNew.body).message).toMatch(/client version 1.99 is too new/);
  const ping = await s.api('HEAD', '/_ping');
  expect(ping.headers['api-version']).toBe('1.41');
});

test('unknown image and container, name conflicts: 404/409 and nothing left behind', async () => {
  const before = await snapshot();
  const noImage = await s.api('POST', '/v1.41/containers/create', JSON.stringify({ Image: 'nosuch/image:1' }));
  expect(noImage.status).toBe(404);
  expect(JSON.parse(noImage.body)).toEqual({ message: 'No such image: nosuch/image:1' });
  const noCtr = await s.api('POST', '/v1.41/containers/nope/start');
  expect(noCtr.status).toBe(404);
  expect(JSON.parse(noCtr.body)).toEqual({ message: 'No such container: nope' });
  expect((await s.engine(['create', '--name', 'taken', 'busybox'])).code).toBe(0);
  const mid = await snapshot();
  const dup = await s.engine(['create', '--name', 'taken', '-v', 'newvol:/x', 'busybox']);
  // docker create (20.10) exits 1 for a daemon error; only run uses 125.
  expect(dup.code).toBe(1);
  expect(dup.stderr).toMatch(/Conflict. The container name "\/taken" is already in use/);
  expect(await snapshot()).toEqual(mid);
  await s.engine(['rm', 'taken']);
  expect(await snapshot()).toEqual(before);
});

test('bad -v, -p, -m, --restart, --cpus and mounts: clear errors, nothing created', async () => {
  const before = await snapshot();
  const cases: Array<[string[], RegExp]> = [
    [['-v', 'a:b:c:d'], /invalid volume specification: 'a:b:c:d'/],
    [['-v', 'vol:relative'], /mount path must be absolute/],
    [['-v', 'bad name!:/x'], /includes invalid characters for a local volume name/],
    [['-v', '/tmp:/x:zz'], /invalid mode: zz/],
    [['-p', '99999:80'], /Invalid hostPort: 99999/],
    [['-p', 'abc'], /Invalid containerPort: abc/],
    [['-m', 'lots'], /invalid argument "lots" for "--memory"/],
    [['-m', '1k'], /Minimum memory limit allowed is 6MB/],
    [['-m', '64m', '--memory-swap', '32m'], /Minimum memoryswap limit should be larger than memory limit/],
    [['--restart', 'sometimes'], /invalid restart policy format/],
    [['--cpus', '512'], /Range of CPUs is from 0.01 to/],
    [['--rm', '--restart', 'always'], /AutoRemove.*restart policy/],
    [['--mount', 'type=bind,source=/no/such/dir,target=/x'], /bind source path does not exist/],
    [['--cap-add', 'NOT_A_CAP'], /unknown capability/],
    [['--network', 'bridge0'], /network bridge0 not found/],
  ];
  for (const [flags, msg] of cases) {
    const r = await s.engine(['run', '-d', ...flags, 'busybox', 'true']);
    expect({ flags, code: r.code, err: r.stderr }).toEqual({ flags, code: 125, err: expect.stringMatching(msg) });
  }
  expect(await snapshot()).toEqual(before);
}, 60_000);

test('state conflicts: start/stop twice, exec into a stopped container', async () => {
  await s.engine(['create', '--name', 'cc', 'busybox', 'sleep', '100']);
  expect((await s.api('POST', '/v1.41/containers/cc/stop')).status).toBe(304);
  expect((await s.api('POST', '/v1.41/containers/cc/start')).status).toBe(204);
  expect((await s.api('POST', '/v1.41/containers/cc/start')).status).toBe(304);
  expect((await s.api('POST', '/v1.41/containers/cc/kill?signal=NOPE')).status).toBe(400);
  await s.engine(['kill', 'cc']);
  const ex = await s.api('POST', '/v1.41/containers/cc/exec', JSON.stringify({ Cmd: ['true'] }));
  expect(ex.status).toBe(409);
  expect(JSON.parse(ex.body).message).toMatch(/is not running/);
  const noCmd = await s.api('POST', '/v1.41/containers/cc/exec', JSON.stringify({}));
  expect(noCmd.status).toBe(409);
  await s.engine(['rm', 'cc']);
});
