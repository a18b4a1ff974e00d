// Real containers from the busybox bundle, checked from inside: what the process sees.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RuncFixture } from './helpers/runc-fixture.js';

const fx = new RuncFixture('inside');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const sh = (script: string) => ['sh', '-c', script];

test('runs as PID 1 with the spec hostname and exits with the process status', async () => {
  const r = await fx.exec(sh('echo pid=$$ host=$(hostname); exit 3'));
  expect(r.stdout).toBe('pid=1 host=testhost\n');
  expect(r.code).toBe(3);
});

test('signals to runc-ts reach the container process; a signal-killed process gives 128+signal', async () => {
  const trapped = await fx.bundle(sh('trap "exit 7" TERM; echo ready; while :; do sleep 0.05; done'));
  const run1 = fx.runAsync(['run', '--bundle', trapped.dir, trapped.id]);
  await new Promise<void>((resolve) => run1.child.stdout!.once('data', () => resolve()));
  run1.child.kill('SIGTERM');
  expect((await run1.done).code).toBe(7);

  const killed = await fx.bundle(sh('echo ready; while :; do sleep 0.05; done'));
  const run2 = fx.runAsync(['run', '--bundle', killed.dir, killed.id]);
  await new Promise<void>((resolve) => run2.child.stdout!.once('data', () => resolve()));
  expect(fx.runc(['kill', killed.id, 'KILL']).code).toBe(0);
  expect((await run2.done).code).toBe(128 + 9);
});

test('environment, cwd and HOME', async () => {
  const r = await fx.exec(sh('echo "$K|$(pwd)|$HOME"'), (s) => {
    s.process!.env!.push('K=V w');
    s.process!.cwd = '/var/www';
  });
  expect(r.stdout).toBe('V w|/var/www|/root\n');
});

test('user, groups and umask', async () => {
  const r = await fx.exec(sh('id -u; id -g; id -G; umask'), (s) => {
    s.process!.user = { uid: 1000, gid: 1000, additionalGids: [10, 20], umask: 0o027 };
  });
  expect(r.stdout.split('\n')).toEqual(['1000', '1000', '1000 10 20', '0027', '']);
});

test('capabilities: Docker default set, nothing ambient for root', async () => {
  const r = await fx.exec(sh('grep ^Cap /proc/self/status'));
  // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP
  expect(r.stdout).toContain('CapEff:\t00000000a80425fb');
  expect(r.stdout).toContain('CapBnd:\t00000000a80425fb');
  expect(r.stdout).toContain('CapPrm:\t00000000a80425fb');
  expect(r.stdout).toContain('CapAmb:\t0000000000000000');
});

test('capability sets for a non-root user: after exec only the ambient ones remain (kernel rule)', async () => {
  const r = await fx.exec(sh('grep ^Cap /proc/self/status'), (s) => {
    s.process!.user = { uid: 1000, gid: 1000 };
    const caps = ['CAP_NET_BIND_SERVICE', 'CAP_KILL'];
    s.process!.capabilities = { bounding: caps, effective: caps, permitted: caps, inheritable: caps, ambient: ['CAP_NET_BIND_SERVICE'] };
  });
  expect(r.stdout).toContain('CapInh:\t0000000000000420');
  expect(r.stdout).toContain('CapPrm:\t0000000000000400');
  expect(r.stdout).toContain('CapEff:\t0000000000000400');
  expect(r.stdout).toContain('CapAmb:\t0000000000000400');
  expect(r.stdout).toContain('CapBnd:\t0000000000000420');
});

test('no_new_privs as configured', async () => {
  const on = await fx.exec(sh('grep NoNewPrivs /proc/self/status'));
  expect(on.stdout).toContain('NoNewPrivs:\t1');
  const off = await fx.exec(sh('grep NoNewPrivs /proc/self/status'), (s) => {
    s.process!.noNewPrivileges = false;
  });
  expect(off.stdout).toContain('NoNewPrivs:\t0');
});

test('rlimits', async () => {
  const r = await fx.exec(sh('ulimit -n; ulimit -Hn; ulimit -c'), (s) => {
    s.process!.rlimits = [
      { type: 'RLIMIT_NOFILE', soft: 512, hard: 1000 },
      { type: 'RLIMIT_CORE', soft: 0, hard: 0 },
    ];
  });
  expect(r.stdout).toBe('512\n1000\n0\n');
});

test('mounts: proc, sys read-only, devpts, shm, mqueue and cgroups as in the spec', async () => {
  const r = await fx.exec(sh('cat /proc/self/mountinfo'));
  const byPoint = new Map(r.stdout.trim().split('\n').map((l) => [l.split(' ')[4]!, l]));
  expect(byPoint.get('/proc')).toMatch(/ - proc /);
  expect(byPoint.get('/sys')).toMatch(/ ro,nosuid,nodev,noexec.* - sysfs /);
  expect(byPoint.get('/dev')).toMatch(/ - tmpfs /);
  expect(byPoint.get('/dev/pts')).toMatch(/ - devpts .*ptmxmode=666/);
  expect(byPoint.get('/dev/shm')).toMatch(/ - tmpfs /);
  expect(byPoint.get('/dev/mqueue')).toMatch(/ - mqueue /);
  expect(byPoint.get('/sys/fs/cgroup')).toMatch(/ ro,.* - tmpfs /);
  expect([...byPoint.keys()].filter((p) => p.startsWith('/sys/fs/cgroup/')).length).toBeGreaterThan(0);
  expect(byPoint.get('/')).toBeDefined();
});

test('masked paths are empty and read-only paths refuse writes', async () => {
  // /proc/kcore does not exist on this kernel; /proc/keys and /proc/timer_list do.
  const r = await fx.exec(sh('wc -c < /proc/keys; wc -c < /proc/timer_list; ls /sys/firmware | wc -l; echo 1 > /proc/sys/kernel/domainname && echo wrote || echo refused'));
  expect(r.stdout).toBe('0\n0\n0\nrefused\n');
});

test('device nodes and /dev symlinks', async () => {
  const r = await fx.exec(sh('ls -l /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty | cut -c1-10; readlink /dev/fd; readlink /dev/ptmx; head -c 4 /dev/zero | wc -c'));
  expect(r.stdout.split('\n').slice(0, 6).every((l) => l === 'crw-rw-rw-')).toBe(true);
  expect(r.stdout).toContain('/proc/self/fd\npts/ptmx\n4\n');
});

test('a new network namespace has only an up loopback', async () => {
  const r = await fx.exec(sh('ls /sys/class/net; cat /sys/class/net/lo/operstate; cat /proc/net/dev | wc -l'));
  expect(r.stdout).toBe('lo\nunknown\n3\n');
});

test('read-only root filesystem', async () => {
  const r = await fx.exec(sh('touch /x 2>/dev/null && echo wrote || echo refused; touch /tmp/x 2>/dev/null && echo wrote-tmp || echo refused-tmp'), (s) => {
    s.root!.readonly = true;
  });
  expect(r.stdout).toBe('refused\nrefused-tmp\n');
});

test('bind mounts with options, and sysctl', async () => {
  const data = path.join(fx.tmp, 'data');
  fs.mkdirSync(data, { recursive: true });
  fs.writeFileSync(path.join(data, 'hello'), 'from the host\n');
  const r = await fx.exec(sh('cat /data/hello; touch /data/x 2>/dev/null && echo wrote || echo refused; cat /proc/sys/net/ipv4/ip_forward'), (s) => {
    s.mounts!.push({ destination: '/data', type: 'bind', source: data, options: ['rbind', 'ro', 'nosuid'] });
    s.linux!.sysctl = { 'net.ipv4.ip_forward': '1' };
  });
  expect(r.stdout).toBe('from the host\nrefused\n1\n');
  expect(fs.existsSync(path.join(data, 'x'))).toBe(false);
});

test('a bind mount whose source is missing fails create with a clear error', async () => {
  const r = await fx.exec(['true'], (s) => {
    s.mounts!.push({ destination: '/data', type: 'bind', source: 'no-such-dir', options: ['rbind'] });
  });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/mounts\[\d+\] \(\/data\): bind source .*no-such-dir does not exist/);
});

test('no-pivot runs in a chroot', async () => {
  const b = await fx.bundle(sh('cat /proc/self/mountinfo | wc -l; echo ok'));
  const r = fx.runc(['run', '--no-pivot', '--bundle', b.dir, b.id]);
  expect(r.stdout).toMatch(/ok\n$/);
  expect(r.code).toBe(0);
});
