// exec, ps, pause/resume, update and events against real running containers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linux as sys } from '../src/syscalls/linux.js';
import { RuncFixture } from './helpers/runc-fixture.js';

const fx = new RuncFixture('exec');
let id: string;
let initPid: number;

beforeAll(async () => {
  await fx.init();
  const b = await fx.bundle(['sh', '-c', 'echo $$ > /tmp/init; exec sleep 600'], (s) => {
    s.process!.env!.push('FROM_SPEC=yes');
  });
  id = b.id;
  expect(fx.runc(['run', '-d', '--bundle', b.dir, id])).toMatchObject({ code: 0, stderr: '' });
  initPid = (JSON.parse(fx.runc(['state', id]).stdout) as { pid: number }).pid;
});
afterAll(() => fx.cleanup());

const cgroupProcs = (h: string) => fs.readFileSync(path.join(fx.cgroupDirs(id).find((d) => d.includes(`/${h}/`))!, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);

test('exec runs in the container: its pid namespace, hostname, rootfs, env; the exit code comes back', () => {
  const r = fx.runc(['exec', id, 'sh', '-c', 'echo "$$ $(hostname) $(cat /tmp/init) $FROM_SPEC"; exit 5']);
  expect(r.code).toBe(5);
  expect(r.stdout).toMatch(/^\d+ testhost 1 yes\n$/);
  expect(r.stdout.startsWith('1 ')).toBe(false);
});

test('inline options: -e, --cwd, -u, -g, --cap, --no-new-privs', () => {
  const r = fx.runc(['exec', '-e', 'A=1', '--cwd', '/tmp', '-u', '1000:1000', '-g', '10', '--cap', 'CAP_NET_ADMIN', '--no-new-privs', id, 'sh', '-c', 'echo "$A $(pwd) $(id -u) $(id -G)"; grep -E "CapBnd|NoNewPrivs" /proc/self/status']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^1 \/tmp 1000 1000 10\n/);
  expect(r.stdout).toMatch(/CapBnd:\t00000000a80435fb/); // Docker's set + NET_ADMIN (bit 12)
  expect(r.stdout).toMatch(/NoNewPrivs:\t1/);
});

test('exec --process FILE, detached with a pid file, joins the cgroups', async () => {
  const file = path.join(fx.tmp, 'process.json');
  fs.writeFileSync(file, JSON.stringify({ args: ['sleep', '300'], cwd: '/', env: ['PATH=/bin'], user: { uid: 0, gid: 0 } }));
  const pidFile = path.join(fx.tmp, 'exec.pid');
  expect(fx.runc(['exec', '--process', file, '--detach', '--pid-file', pidFile, id])).toMatchObject({ code: 0, stderr: '' });
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  expect(cgroupProcs('memory')).toContain(pid);
  expect(fs.readlinkSync(`/proc/${pid}/ns/pid`)).toBe(fs.readlinkSync(`/proc/${initPid}/ns/pid`));
  expect(fs.readlinkSync(`/proc/${pid}/ns/mnt`)).toBe(fs.readlinkSync(`/proc/${initPid}/ns/mnt`));
  expect(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toBe('sleep\x00300\x00');

  const ps = JSON.parse(fx.runc(['ps', '--format', 'json', id]).stdout) as number[];
  expect(ps).toEqual(expect.arrayContaining([initPid, pid]));
  const table = fx.runc(['ps', id]).stdout;
  expect(table.split('\n')[0]).toMatch(/UID\s+PID\s+PPID/);
  expect(table).toContain('sleep 300');
  process.kill(pid, 'SIGKILL');
});

test('exec with a terminal over --console-socket', () => {
  const sock = path.join(fx.tmp, 'exec-console.sock');
  const listener = sys.listenUnix(sock, 1);
  try {
    expect(fx.runc(['exec', '-t', '-d', '--console-socket', sock, id, 'sh', '-c', 'tty; sleep 1'])).toMatchObject({ code: 0 });
    const conn = sys.accept(listener);
    const { fds } = sys.recvFd(conn, Buffer.alloc(64));
    sys.close(conn);
    const buf = Buffer.alloc(256);
    expect(sys.poll(fds[0]!, 1, 5000) & 1).toBe(1);
    expect(buf.subarray(0, sys.read(fds[0]!, buf)).toString()).toMatch(/^\/dev\/pts\/\d+\r\n/);
    sys.close(fds[0]!);
  } finally {
    sys.close(listener);
  }
});

test('pause freezes every process; exec needs --ignore-paused; resume thaws', () => {
  expect(fx.runc(['pause', id]).code).toBe(0);
  expect((JSON.parse(fx.runc(['state', id]).stdout) as { status: string }).status).toBe('paused');
  expect(fs.readFileSync(path.join(fx.cgroupDirs(id).find((d) => d.includes('/freezer/'))!, 'freezer.state'), 'utf8').trim()).toBe('FROZEN');
  expect(fx.runc(['pause', id])).toMatchObject({ code: 1, stderr: 'container already paused\n' });
  expect(fx.runc(['exec', id, 'true']).stderr).toMatch(/cannot exec in a paused container/);
  expect(fx.runc(['resume', id]).code).toBe(0);
  expect((JSON.parse(fx.runc(['state', id]).stdout) as { status: string }).status).toBe('running');
  expect(fx.runc(['resume', id])).toMatchObject({ code: 1, stderr: 'container not paused\n' });
  expect(fx.runc(['exec', id, 'true']).code).toBe(0);
});

test('update by flags and by --resources JSON', () => {
  const dir = (h: string) => fx.cgroupDirs(id).find((d) => d.includes(`/${h}/`))!;
  expect(fx.runc(['update', '--memory', '96m', '--pids-limit', '77', '--cpu-share', '256', id])).toMatchObject({ code: 0, stderr: '' });
  expect(fs.readFileSync(path.join(dir('memory'), 'memory.limit_in_bytes'), 'utf8').trim()).toBe(String(96 * 1024 * 1024));
  expect(fs.readFileSync(path.join(dir('pids'), 'pids.max'), 'utf8').trim()).toBe('77');
  expect(fs.readFileSync(path.join(dir('cpu'), 'cpu.shares'), 'utf8').trim()).toBe('256');
  const file = path.join(fx.tmp, 'res.json');
  fs.writeFileSync(file, JSON.stringify({ pids: { limit: 88 }, cpu: { quota: 20000, period: 100000 } }));
  expect(fx.runc(['update', '--resources', file, id]).code).toBe(0);
  expect(fs.readFileSync(path.join(dir('pids'), 'pids.max'), 'utf8').trim()).toBe('88');
  expect(fs.readFileSync(path.join(dir('cpu'), 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('20000');
  expect(fx.runc(['update', '--memory', 'lots', id]).stderr).toMatch(/invalid value "lots" for --memory/);
});

test('events --stats prints cpu, memory and pids usage as JSON', () => {
  const r = fx.runc(['events', '--stats', id]);
  const ev = JSON.parse(r.stdout) as { type: string; id: string; data: { cpu: { usage: { total: number } }; memory: { usage: { usage: number } }; pids: { current: number } } };
  expect(ev).toMatchObject({ type: 'stats', id });
  expect(ev.data.cpu.usage.total).toBeGreaterThan(0);
  expect(ev.data.memory.usage.usage).toBeGreaterThan(0);
  expect(ev.data.pids.current).toBeGreaterThanOrEqual(1);
});

test('bad exec input: missing or stopped container, invalid process.json, missing program', async () => {
  expect(fx.runc(['exec', 'nope', 'true'])).toMatchObject({ code: 255, stderr: 'container does not exist: nope\n' });
  const file = path.join(fx.tmp, 'bad-process.json');
  fs.writeFileSync(file, '{"args": []}');
  expect(fx.runc(['exec', '--process', file, id]).stderr).toBe(`config.json: process file ${file}.args must name the program to run\n`);
  fs.writeFileSync(file, '{"args": ');
  expect(fx.runc(['exec', '--process', file, id]).stderr).toMatch(/^invalid process file .*bad-process\.json: /);
  const before = cgroupProcs('pids').length;
  expect(fx.runc(['exec', id, 'no-such-program'])).toMatchObject({ code: 255, stderr: 'exec: "no-such-program": executable file not found in $PATH\n' });
  expect(cgroupProcs('pids').length).toBe(before);
  const stopped = await fx.bundle(['true']);
  expect(fx.runc(['create', '--bundle', stopped.dir, stopped.id]).code).toBe(0);
  fx.runc(['kill', stopped.id, 'KILL']);
  await new Promise((r) => setTimeout(r, 200));
  expect(fx.runc(['exec', stopped.id, 'true'])).toMatchObject({ code: 255, stderr: 'cannot exec in a stopped container\n' });
});
