// docker cp against engined, with Debian's stock docker client and the engine CLI: both directions,
// on created (never started), running and stopped containers, into volumes and binds, and paths
// that try to leave the container's root through symlinks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startStack, type Stack } from './support/stack.js';

let s: Stack;
let work: string;

beforeAll(async () => {
  s = await startStack();
  work = fs.mkdtempSync(path.join(s.dir, 'cp-'));
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
});

const ok = (r: { code: number; stdout: string; stderr: string }) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r.stdout;
};

test('testcontainers-style: copy into a created container, start it, read the file back', async () => {
  const src = path.join(work, 'greeting.txt');
  fs.writeFileSync(src, 'hello from the host\n');
  ok(await s.docker(['create', '--name', 'tc', 'busybox', 'cat', '/tmp/greeting.txt']));
  // The destination directory must exist, as with dockerd (whose 404 the client words this way).
  const missing = await s.docker(['cp', src, 'tc:/config/greeting.txt']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/No such container:path: tc:\/config/);
  ok(await s.docker(['cp', src, 'tc:/tmp/']));
  const start = await s.docker(['start', '-a', 'tc']);
  expect(start).toMatchObject({ code: 0, stdout: 'hello from the host\n' });
  const back = path.join(work, 'back.txt');
  ok(await s.docker(['cp', 'tc:/tmp/greeting.txt', back]));
  expect(fs.readFileSync(back, 'utf8')).toBe('hello from the host\n');
  ok(await s.docker(['rm', 'tc']));
}, 60_000);

test('a running container: directories both ways, stdin/stdout tar, and a volume', async () => {
  ok(await s.docker(['run', '-d', '--name', 'run1', '-v', 'cpvol:/data', 'busybox', 'sleep', '1000']));
  const dir = path.join(work, 'tree');
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'sub', 'f'), 'deep\n');
  fs.writeFileSync(path.join(dir, 'top'), 'top\n');
  fs.symlinkSync('sub/f', path.join(dir, 'link'));
  ok(await s.docker(['cp', dir, 'run1:/data/']));
  expect(ok(await s.docker(['exec', 'run1', 'cat', '/data/tree/sub/f', '/data/tree/link']))).toBe('deep\ndeep\n');
  const out = path.join(work, 'out');
  ok(await s.docker(['cp', 'run1:/data/tree', out]));
  expect(fs.readFileSync(path.join(out, 'top'), 'utf8')).toBe('top\n');
  expect(fs.readlinkSync(path.join(out, 'link'))).toBe('sub/f');
  // `-` streams a tar on stdout.
  const t = await s.docker(['cp', 'run1:/etc/passwd', '-']);
  expect(t.code).toBe(0);
  expect(t.stdout.slice(0, 6)).toBe('passwd');
  ok(await s.docker(['stop', '-t', '0', 'run1']));
  // Stopped: the volume is still where the container sees it.
  ok(await s.docker(['cp', path.join(dir, 'top'), 'run1:/data/after-stop']));
  ok(await s.docker(['cp', 'run1:/data/after-stop', path.join(work, 'after-stop')]));
  expect(fs.readFileSync(path.join(work, 'after-stop'), 'utf8')).toBe('top\n');
  ok(await s.docker(['run', '--rm', '-v', 'cpvol:/v', 'busybox', 'cat', '/v/after-stop']));
  ok(await s.docker(['rm', '-f', 'run1']));
}, 60_000);

test('symlinks resolve inside the container root and never reach the host', async () => {
  const marker = `escape-${path.basename(work)}`;
  ok(await s.docker(['run', '-d', '--name', 'links', 'busybox', 'sh', '-c', 'ln -s / /tmp/up; ln -s ../../../../../../ /tmp/dots; sleep 1000']));
  const src = path.join(work, marker);
  fs.writeFileSync(src, 'inside\n');
  ok(await s.docker(['cp', src, 'links:/tmp/dots/']));
  ok(await s.docker(['cp', src, 'links:/tmp/up/tmp/']));
  expect(fs.existsSync(`/${marker}`)).toBe(false);
  expect(fs.existsSync(`/tmp/${marker}`)).toBe(false);
  expect(ok(await s.docker(['exec', 'links', 'cat', `/${marker}`, `/tmp/${marker}`]))).toBe('inside\ninside\n');
  const missing = await s.docker(['cp', 'links:/nope', path.join(work, 'x')]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/No such container:path: links:\/nope/);
  const api = await s.api('GET', '/v1.41/containers/links/archive?path=/nope');
  expect(JSON.parse(api.body)).toEqual({ message: 'Could not find the file /nope in container links' });
  ok(await s.docker(['rm', '-f', 'links']));
}, 60_000);

test('the archive API: stat header, errors, noOverwriteDirNonDir', async () => {
  ok(await s.docker(['create', '--name', 'api1', 'busybox', 'true']));
  const head = await s.api('HEAD', '/v1.41/containers/api1/archive?path=/bin/sh');
  expect(head.status).toBe(200);
  const stat = JSON.parse(Buffer.from(String(head.headers['x-docker-container-path-stat']), 'base64').toString()) as Record<string, unknown>;
  expect(stat).toEqual({ name: 'sh', size: expect.any(Number), mode: 0o777 + 2 ** 27, mtime: expect.any(String), linkTarget: '/bin/busybox' });
  expect((await s.api('HEAD', '/v1.41/containers/api1/archive?path=/nope')).status).toBe(404);
  const notDir = await s.api('GET', '/v1.41/containers/api1/archive?path=/etc/passwd/');
  expect(notDir.status).toBe(500);
  expect(JSON.parse(notDir.body)).toEqual({ message: 'lstat /etc/passwd/: not a directory' });
  const noPath = await s.api('GET', '/v1.41/containers/api1/archive');
  expect(noPath.status).toBe(400);
  // A directory named like an existing file, refused when asked.
  const tree = path.join(work, 'passwd-dir');
  fs.mkdirSync(path.join(tree, 'passwd'), { recursive: true });
  const tarball = path.join(work, 'passwd-dir.tar');
  ok(await s.inHost(['tar', 'cf', tarball, '-C', tree, 'passwd']));
  const body = fs.readFileSync(tarball);
  const refused = await s.api('PUT', '/v1.41/containers/api1/archive?path=/etc&noOverwriteDirNonDir=true', body, { 'Content-Type': 'application/x-tar' });
  expect(refused.status).toBe(500);
  expect(JSON.parse(refused.body).message).toMatch(/cannot overwrite non-directory "\/etc\/passwd" with directory "\/etc"/);
  const intoFile = await s.api('PUT', '/v1.41/containers/api1/archive?path=/etc/passwd', body, { 'Content-Type': 'application/x-tar' });
  expect(intoFile.status).toBe(500);
  expect(JSON.parse(intoFile.body)).toEqual({ message: 'extraction point is not a directory' });
  ok(await s.docker(['rm', 'api1']));
}, 60_000);

test('engine cp: both ways, renames, contents of a directory, stdin tar, missing paths', async () => {
  ok(await s.engine(['create', '--name', 'ecp', 'busybox', 'true']));
  const dir = path.join(work, 'edir');
  fs.mkdirSync(path.join(dir, 'in'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'in', 'a'), 'A\n');
  ok(await s.engine(['cp', dir, 'ecp:/tmp']));
  ok(await s.engine(['cp', path.join(dir, 'in', 'a'), 'ecp:/tmp/renamed']));
  ok(await s.engine(['cp', `${dir}/in/.`, 'ecp:/tmp/newdir']));
  const back = path.join(work, 'eback');
  fs.mkdirSync(back);
  ok(await s.engine(['cp', 'ecp:/tmp/edir', back]));
  expect(fs.readFileSync(path.join(back, 'edir', 'in', 'a'), 'utf8')).toBe('A\n');
  ok(await s.engine(['cp', 'ecp:/tmp/renamed', path.join(back, 'r')]));
  expect(fs.readFileSync(path.join(back, 'r'), 'utf8')).toBe('A\n');
  ok(await s.engine(['cp', 'ecp:/tmp/newdir/.', path.join(back, 'contents')]));
  expect(fs.readdirSync(path.join(back, 'contents'))).toEqual(['a']);
  ok(await s.engine(['cp', 'ecp:/tmp/newdir', path.join(back, 'copied-dir')]));
  expect(fs.readdirSync(path.join(back, 'copied-dir'))).toEqual(['a']);
  const tarball = await s.engine(['cp', 'ecp:/etc/passwd', '-']);
  expect(tarball.stdout.slice(0, 6)).toBe('passwd');
  const missing = await s.engine(['cp', 'ecp:/nope', back]);
  expect(missing).toMatchObject({ code: 1, stderr: 'Error: No such container:path: ecp:/nope\n' });
  const intoMissing = await s.engine(['cp', path.join(dir, 'in', 'a'), 'ecp:/no/such/dir/']);
  expect(intoMissing.code).toBe(1);
  ok(await s.engine(['rm', 'ecp']));
}, 60_000);

test('a bind mount of a never-started container, and -a (copyUIDGID) with the container user', async () => {
  const hostDir = path.join(work, 'bound');
  fs.mkdirSync(hostDir);
  const src = path.join(work, 'owned.txt');
  fs.writeFileSync(src, 'mine\n');
  ok(await s.docker(['create', '--name', 'bnd', '-u', '1234:2345', '-v', `${hostDir}:/mnt`, 'busybox', 'stat', '-c', '%u:%g', '/tmp/owned.txt']));
  ok(await s.docker(['cp', src, 'bnd:/mnt/']));
  expect(fs.readFileSync(path.join(hostDir, 'owned.txt'), 'utf8')).toBe('mine\n');
  ok(await s.docker(['cp', '-a', src, 'bnd:/tmp/']));
  expect(await s.docker(['start', '-a', 'bnd'])).toMatchObject({ code: 0, stdout: '1234:2345\n' });
  // Nothing stays mounted once the copy is done.
  expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(path.join(s.execRoot, 'archive'));
  ok(await s.docker(['rm', 'bnd']));
}, 60_000);
