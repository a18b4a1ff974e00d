// OCI hooks: the state on stdin, where each phase runs, and the spec's failure semantics.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RuncFixture } from './helpers/runc-fixture.js';
import type { Hook } from '../src/spec/types.js';

const fx = new RuncFixture('hooks');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

/** A host script that appends "<phase> <mnt ns> <state JSON>" to a log. */
function hookScript(log: string): string {
  const file = path.join(fx.tmp, 'hook.sh');
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, `#!/bin/sh\nstate=$(cat)\necho "$1 $(readlink /proc/self/ns/mnt) $state" >> ${log}\nexit \${2:-0}\n`, { mode: 0o755 });
  }
  return file;
}

const hook = (script: string, phase: string, extra: Partial<Hook> = {}): Hook => ({ path: script, args: ['hook.sh', phase], ...extra });

test('every phase runs, in order, with the state on stdin; createContainer/startContainer in the container mount namespace', async () => {
  const log = path.join(fx.tmp, 'all.log');
  const script = hookScript(log);
  const b = await fx.bundle(['sh', '-c', 'sleep 0.2'], (s) => {
    s.hooks = {
      prestart: [hook(script, 'prestart')],
      createRuntime: [hook(script, 'createRuntime')],
      createContainer: [hook(script, 'createContainer')],
      // startContainer runs after pivot_root: its path is the container's.
      startContainer: [{ path: '/bin/sh', args: ['sh', '-c', 'echo "startContainer $(readlink /proc/self/ns/mnt) $(cat)" > /start.log'] }],
      poststart: [hook(script, 'poststart')],
      poststop: [hook(script, 'poststop')],
    };
    s.annotations = { team: 'runtime' };
  });
  expect(fx.runc(['create', '--bundle', b.dir, b.id])).toMatchObject({ code: 0, stderr: '' });
  const { pid } = JSON.parse(fx.runc(['state', b.id]).stdout) as { pid: number };
  const containerMnt = fs.readlinkSync(`/proc/${pid}/ns/mnt`);
  const hostMnt = fs.readlinkSync('/proc/self/ns/mnt');
  expect(fx.runc(['start', b.id]).code).toBe(0);
  await new Promise((r) => setTimeout(r, 600));
  const startLog = fs.readFileSync(path.join(b.dir, 'rootfs/start.log'), 'utf8');
  expect(fx.runc(['delete', b.id]).code).toBe(0);
  const text = fs.readFileSync(log, 'utf8').replace(/^(poststart)/m, `${startLog}$1`);
  const lines = text.trim().split('\n').map((l) => {
    const [phase, mnt, ...json] = l.split(' ');
    return { phase, mnt, state: JSON.parse(json.join(' ')) as { id: string; pid: number; status: string; bundle: string; annotations: Record<string, string> } };
  });
  expect(lines.map((l) => l.phase)).toEqual(['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop']);
  for (const l of lines) expect(l.state).toMatchObject({ id: b.id, pid, bundle: b.dir, annotations: { team: 'runtime' } });
  const mntOf = (p: string) => lines.find((l) => l.phase === p)!.mnt;
  expect(mntOf('prestart')).toBe(hostMnt);
  expect(mntOf('createRuntime')).toBe(hostMnt);
  expect(mntOf('createContainer')).toBe(containerMnt);
  expect(mntOf('startContainer')).toBe(containerMnt);
  expect(mntOf('poststart')).toBe(hostMnt);
  expect(lines.find((l) => l.phase === 'createRuntime')!.state.status).toBe('creating');
  expect(lines.find((l) => l.phase === 'poststop')!.state.status).toBe('stopped');
});

test('a failing createRuntime hook fails create and leaves nothing', async () => {
  const script = hookScript(path.join(fx.tmp, 'fail.log'));
  const b = await fx.bundle(['true'], (s) => {
    s.hooks = { createRuntime: [hook(script, 'createRuntime', { args: ['hook.sh', 'createRuntime', '3'] })] };
  });
  const r = fx.runc(['create', '--bundle', b.dir, b.id]);
  expect(r).toMatchObject({ code: 1, stderr: `createRuntime hook ${script} exited with status 3\n` });
  expect(fs.existsSync(path.join(fx.root, b.id))).toBe(false);
  expect(fx.cgroupDirs(b.id)).toEqual([]);
});

test('a failing createContainer hook fails create', async () => {
  const script = hookScript(path.join(fx.tmp, 'fail.log'));
  const b = await fx.bundle(['true'], (s) => {
    s.hooks = { createContainer: [hook(script, 'createContainer', { args: ['hook.sh', 'createContainer', '4'] })] };
  });
  expect(fx.runc(['create', '--bundle', b.dir, b.id])).toMatchObject({ code: 1, stderr: `createContainer hook ${script} exited with status 4\n` });
  expect(fx.cgroupDirs(b.id)).toEqual([]);
});

test('a failing startContainer hook fails start', async () => {
  const b = await fx.bundle(['true'], (s) => {
    s.hooks = { startContainer: [{ path: '/bin/sh', args: ['sh', '-c', 'exit 6'] }] };
  });
  expect(fx.runc(['create', '--bundle', b.dir, b.id]).code).toBe(0);
  expect(fx.runc(['start', b.id])).toMatchObject({ code: 1, stderr: 'cannot start container: startContainer hook /bin/sh exited with status 6\n' });
  expect(fx.runc(['delete', '--force', b.id]).code).toBe(0);
});

test('a hook past its timeout is killed and fails create', async () => {
  const slow = path.join(fx.tmp, 'slow.sh');
  fs.writeFileSync(slow, '#!/bin/sh\nsleep 10\n', { mode: 0o755 });
  const b = await fx.bundle(['true'], (s) => {
    s.hooks = { prestart: [{ path: slow, timeout: 1 }] };
  });
  const t0 = Date.now();
  expect(fx.runc(['create', '--bundle', b.dir, b.id])).toMatchObject({ code: 1, stderr: `prestart hook ${slow} timed out after 1s\n` });
  expect(Date.now() - t0).toBeLessThan(8000);
});

test('a failing poststart hook is only a warning', async () => {
  const script = hookScript(path.join(fx.tmp, 'warn.log'));
  const b = await fx.bundle(['true'], (s) => {
    s.hooks = { poststart: [hook(script, 'poststart', { args: ['hook.sh', 'poststart', '2'] })] };
  });
  const r = fx.runc(['run', '--bundle', b.dir, b.id]);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/level=warning msg=".*poststart hook .* exited with status 2/);
});

test('joining another container\'s namespaces by path', async () => {
  const a = await fx.bundle(['sleep', '60'], (s) => {
    s.hostname = 'first';
  });
  expect(fx.runc(['run', '-d', '--bundle', a.dir, a.id]).code).toBe(0);
  const { pid } = JSON.parse(fx.runc(['state', a.id]).stdout) as { pid: number };
  const r = await fx.exec(['sh', '-c', 'hostname; readlink /proc/self/ns/net'], (s) => {
    delete s.hostname;
    s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'uts' || n.type === 'network' ? { type: n.type, path: `/proc/${pid}/ns/${n.type === 'network' ? 'net' : 'uts'}` } : n));
  });
  expect(r.stdout).toBe(`first\n${fs.readlinkSync(`/proc/${pid}/ns/net`)}\n`);
  fx.runc(['delete', '--force', a.id]);
});

test('exec into a user-namespace container', async () => {
  const b = await fx.bundle(['sleep', '60'], (s) => {
    s.linux!.namespaces!.push({ type: 'user' });
    s.linux!.uidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
    s.linux!.gidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
  });
  expect(fx.runc(['run', '-d', '--bundle', b.dir, b.id])).toMatchObject({ code: 0, stderr: '' });
  const r = fx.runc(['exec', b.id, 'sh', '-c', 'id -u; cat /proc/self/uid_map']);
  expect(r.stdout).toMatch(/^0\n\s+0\s+200000\s+65536\n$/);
  fx.runc(['delete', '--force', b.id]);
});
