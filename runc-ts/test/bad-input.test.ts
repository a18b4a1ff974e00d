// Bad input gives a one-line error naming the problem, a non-zero exit, and leaves no trace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RuncFixture } from './helpers/runc-fixture.js';

const fx = new RuncFixture('badinput');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

function expectNoTrace(id: string): void {
  expect(fs.existsSync(path.join(fx.root, id))).toBe(false);
  expect(fx.cgroupDirs(id)).toEqual([]);
  expect(fx.leakedMounts()).toEqual([]);
}

async function failingCreate(edit: (configText: string, dir: string) => string | void): Promise<{ stderr: string; id: string }> {
  const b = await fx.bundle(['true']);
  const file = path.join(b.dir, 'config.json');
  const text = edit(fs.readFileSync(file, 'utf8'), b.dir);
  if (typeof text === 'string') fs.writeFileSync(file, text);
  const r = fx.runc(['create', '--bundle', b.dir, b.id]);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expectNoTrace(b.id);
  return { stderr: r.stderr.trim(), id: b.id };
}

const withSpec = (change: (s: Record<string, any>) => void) => (text: string) => {
  const s = JSON.parse(text) as Record<string, any>;
  change(s);
  return JSON.stringify(s);
};

test('malformed config.json', async () => {
  const { stderr } = await failingCreate((t) => t.slice(0, 40));
  expect(stderr).toMatch(/^config\.json: .*config\.json is not valid JSON: /);
});

test('invalid config.json: empty args, wrong types', async () => {
  expect((await failingCreate(withSpec((s) => (s.process.args = [])))).stderr).toBe('config.json: process.args must name the program to run');
  expect((await failingCreate(withSpec((s) => (s.process.user.uid = 'root')))).stderr).toBe('config.json: process.user.uid must be an integer >= 0');
  expect((await failingCreate(withSpec((s) => (s.mounts[0].destination = 'proc')))).stderr).toMatch(/mounts\[0\]\.destination must be an absolute path/);
});

test('missing rootfs', async () => {
  const { stderr } = await failingCreate((_t, dir) => {
    fs.rmSync(path.join(dir, 'rootfs'), { recursive: true });
  });
  expect(stderr).toMatch(/^config\.json: root\.path: rootfs .*\/rootfs does not exist$/);
});

test('unknown namespace type', async () => {
  const { stderr } = await failingCreate(withSpec((s) => s.linux.namespaces.push({ type: 'bogus' })));
  expect(stderr).toMatch(/unknown namespace type "bogus"/);
});

test('unknown capability and rlimit', async () => {
  expect((await failingCreate(withSpec((s) => s.process.capabilities.bounding.push('CAP_FLY')))).stderr).toMatch(/unknown capability "CAP_FLY"/);
  expect((await failingCreate(withSpec((s) => s.process.rlimits.push({ type: 'RLIMIT_BOGUS', soft: 1, hard: 1 })))).stderr).toMatch(/unknown rlimit type "RLIMIT_BOGUS"/);
});

test('a program that does not exist fails create, not start', async () => {
  const { stderr } = await failingCreate(withSpec((s) => (s.process.args = ['no-such-program'])));
  expect(stderr).toBe('exec: "no-such-program": executable file not found in $PATH');
});

test('a failure inside the init (bad mount) rolls everything back', async () => {
  const { stderr } = await failingCreate(withSpec((s) => s.mounts.push({ destination: '/x', type: 'nosuchfs', source: 'none' })));
  // runc's words, with the container's path rather than the bundle's rootfs on the host.
  expect(stderr).toBe('error mounting "none" to rootfs at "/x": mount none on /x: ENODEV: no such device');
});

test('an impossible cgroup limit rolls everything back', async () => {
  const { stderr } = await failingCreate(withSpec((s) => (s.linux.resources.cpu = { cpus: '99999' })));
  expect(stderr).toMatch(/cannot set .*cpuset\.cpus to "99999"/);
});

test('errors as JSON lines in --log with --log-format json', async () => {
  const b = await fx.bundle(['true']);
  fs.writeFileSync(path.join(b.dir, 'config.json'), '{');
  const log = path.join(fx.tmp, 'log.json');
  const r = fx.runc(['--log', log, '--log-format', 'json', 'create', '--bundle', b.dir, b.id]);
  expect(r.code).toBe(1);
  const lines = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string; time: string });
  expect(lines.at(-1)).toMatchObject({ level: 'error', msg: expect.stringMatching(/not valid JSON/) });
  expectNoTrace(b.id);
});

test('operations on unknown containers and bad flags', async () => {
  expect(fx.runc(['start', 'nope'])).toMatchObject({ code: 1, stderr: 'container does not exist: nope\n' });
  expect(fx.runc(['kill', 'nope'])).toMatchObject({ code: 1, stderr: 'container does not exist: nope\n' });
  expect(fx.runc(['delete', 'nope'])).toMatchObject({ code: 1, stderr: 'container does not exist: nope\n' });
  expect(fx.runc(['create', '--bogus', 'x']).stderr).toMatch(/create: Unknown option '--bogus'/);
  expect(fx.runc(['kill', 'x', 'SIGFLY']).stderr).toBe('unknown signal "SIGFLY"\n');
  expect(fx.runc(['create', '--bundle', fx.tmp, 'bad/id']).stderr).toBe('invalid container ID format\n');
  expect(fx.runc(['--systemd-cgroup', 'list']).stderr).toMatch(/--systemd-cgroup is not supported/);
  expect(fx.runc(['frobnicate']).code).toBe(1);
});

test('a cwd that is a file: the error names the container path, never the host rootfs', async () => {
  const { stderr } = await failingCreate(withSpec((s) => (s.process.cwd = '/etc/passwd')));
  expect(stderr).toMatch(/mkdir \/etc\/passwd: not a directory$/);
  expect(stderr).not.toMatch(/rootfs/);
});
