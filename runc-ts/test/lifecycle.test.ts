// create → state → start → kill → delete, the OCI state machine, and what is left afterwards (nothing).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RuncFixture } from './helpers/runc-fixture.js';

const fx = new RuncFixture('lifecycle');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const state = (id: string) => JSON.parse(fx.runc(['state', id]).stdout) as { id: string; status: string; pid: number; bundle: string; ociVersion: string };

test('create leaves the init waiting; start runs it; delete removes every trace', async () => {
  const b = await fx.bundle(['sh', '-c', 'echo started > /tmp/started; exec sleep 30']);
  const pidFile = path.join(fx.tmp, 'c.pid');
  const created = fx.runc(['create', '--bundle', b.dir, '--pid-file', pidFile, b.id]);
  expect(created).toMatchObject({ code: 0, stderr: '' });
  const s1 = state(b.id);
  expect(s1).toMatchObject({ id: b.id, status: 'created', bundle: b.dir, ociVersion: '1.0.2-dev' });
  expect(Number(fs.readFileSync(pidFile, 'utf8'))).toBe(s1.pid);
  expect(fs.existsSync(path.join(b.dir, 'rootfs/tmp/started'))).toBe(false);
  // the init is already in its cgroups
  const [memDir] = fx.cgroupDirs(b.id).filter((d) => d.includes('/memory/'));
  expect(fs.readFileSync(path.join(memDir!, 'cgroup.procs'), 'utf8').trim()).toBe(String(s1.pid));

  expect(fx.runc(['start', b.id]).code).toBe(0);
  expect(state(b.id).status).toBe('running');
  await waitFor(() => fs.existsSync(path.join(b.dir, 'rootfs/tmp/started')));

  const listed = JSON.parse(fx.runc(['list', '--format', 'json']).stdout) as { id: string; status: string }[];
  expect(listed.find((c) => c.id === b.id)?.status).toBe('running');
  expect(fx.runc(['list', '-q']).stdout).toContain(`${b.id}\n`);
  expect(fx.runc(['list']).stdout).toMatch(new RegExp(`^ID\\s+PID\\s+STATUS\\s+BUNDLE\\s+CREATED\\s+OWNER\\n${b.id}\\s+${s1.pid}\\s+running`));

  expect(fx.runc(['start', b.id])).toMatchObject({ code: 1, stderr: 'cannot start an already running container\n' });
  expect(fx.runc(['delete', b.id])).toMatchObject({ code: 1, stderr: 'cannot delete container that is not stopped: running\n' });

  expect(fx.runc(['kill', b.id, 'KILL']).code).toBe(0);
  await waitFor(() => state(b.id).status === 'stopped');
  expect(fx.runc(['kill', b.id, 'TERM'])).toMatchObject({ code: 1, stderr: 'container not running\n' });
  expect(fx.runc(['start', b.id])).toMatchObject({ code: 1, stderr: 'cannot start a container that has stopped\n' });

  expect(fx.runc(['delete', b.id]).code).toBe(0);
  expect(fx.runc(['state', b.id])).toMatchObject({ code: 1, stderr: `container does not exist: ${b.id}\n` });
  expect(fx.cgroupDirs(b.id)).toEqual([]);
  expect(fs.existsSync(path.join(fx.root, b.id))).toBe(false);
  expect(fx.leakedMounts()).toEqual([]);
});

test('kill --all signals every process; delete --force stops a running container', async () => {
  const b = await fx.bundle(['sh', '-c', 'sleep 30 & sleep 30 & exec sleep 30']);
  expect(fx.runc(['run', '-d', '--bundle', b.dir, b.id]).code).toBe(0);
  const procs = () => fx.cgroupDirs(b.id).filter((d) => d.includes('/pids/')).flatMap((d) => fs.readFileSync(path.join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean));
  await waitFor(() => procs().length === 3);
  expect(fx.runc(['kill', '--all', b.id, 'STOP']).code).toBe(0);
  for (const pid of procs()) await waitFor(() => /^State:\s+T/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8')));
  expect(fx.runc(['delete', '--force', b.id]).code).toBe(0);
  expect(fx.cgroupDirs(b.id)).toEqual([]);
  expect(fx.runc(['delete', '--force', b.id]).code).toBe(0); // forced delete of a missing container is not an error
});

test('deleting a created container kills its waiting init', async () => {
  const b = await fx.bundle(['true']);
  expect(fx.runc(['create', '--bundle', b.dir, b.id]).code).toBe(0);
  const { pid } = state(b.id);
  expect(fx.runc(['delete', b.id]).code).toBe(0);
  expect(fs.existsSync(`/proc/${pid}/stat`) && !/\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))).toBe(false);
  expect(fx.cgroupDirs(b.id)).toEqual([]);
});

test('exit codes come back through run; the container is deleted afterwards', async () => {
  const b = await fx.bundle(['sh', '-c', 'exit 42']);
  expect(fx.runc(['run', '--bundle', b.dir, b.id]).code).toBe(42);
  expect(fs.existsSync(path.join(fx.root, b.id))).toBe(false);
  expect(fx.cgroupDirs(b.id)).toEqual([]);
});

test('a container with the same id cannot be created twice', async () => {
  const b = await fx.bundle(['sleep', '10']);
  expect(fx.runc(['create', '--bundle', b.dir, b.id]).code).toBe(0);
  const again = fx.runc(['create', '--bundle', b.dir, b.id]);
  expect(again).toMatchObject({ code: 1, stderr: `container with id exists: ${b.id}\n` });
  expect(state(b.id).status).toBe('created'); // the first one is untouched
  expect(fx.runc(['delete', '--force', b.id]).code).toBe(0);
});

test('a mount destination behind a symlink in the image lands inside the rootfs', async () => {
  const outside = path.join(fx.tmp, 'outside');
  fs.mkdirSync(outside);
  const b = await fx.bundle(['sh', '-c', 'grep -c "/target .* - tmpfs" /proc/self/mountinfo'], (s) => {
    s.mounts!.push({ destination: '/escape/target', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
  });
  // /escape -> <host dir> inside the image: it must resolve against the rootfs, not the host.
  fs.symlinkSync(outside, path.join(b.dir, 'rootfs/escape'));
  const r = fx.runc(['run', '--bundle', b.dir, b.id]);
  expect(r.code).toBe(0);
  expect(fs.readdirSync(outside)).toEqual([]);
  expect(fs.existsSync(path.join(b.dir, 'rootfs', outside, 'target'))).toBe(true);
});

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
