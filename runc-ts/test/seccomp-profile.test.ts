// Docker's default seccomp profile (test/fixtures, resolved for Docker's default capabilities on
// x86_64) in real containers: everyday commands run, namespace and mount calls are refused.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Seccomp, Spec } from '../src/spec/types.js';
import { RuncFixture } from './helpers/runc-fixture.js';

const fx = new RuncFixture('seccomp-profile');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const PROFILE = path.resolve(__dirname, '../../test/fixtures/docker-default-seccomp.json');
const dockerDefault = () => JSON.parse(fs.readFileSync(PROFILE, 'utf8')) as Seccomp;
const sh = (script: string) => ['sh', '-c', script];
/** The names moby's profile allows only when the container has CAP_SYS_ADMIN. */
const SYS_ADMIN_RULE = [
  'bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'lookup_dcookie', 'mount',
  'mount_setattr', 'move_mount', 'open_tree', 'perf_event_open', 'quotactl', 'quotactl_fd', 'setdomainname',
  'sethostname', 'setns', 'syslog', 'umount', 'umount2', 'unshare',
];

const withProfile = (profile: Seccomp | undefined, more?: (s: Spec) => void) => (s: Spec) => {
  if (profile) s.linux!.seccomp = profile;
  more?.(s);
};
const addCap = (cap: string) => (s: Spec) => {
  const c = s.process!.capabilities!;
  for (const set of [c.bounding, c.effective, c.permitted]) set!.push(cap);
};

test('everyday commands work under the profile, which is in force (Seccomp: 2)', async () => {
  const script = [
    'echo hello',
    'ls / > /dev/null && echo ls-ok',
    'sleep 0.1 && echo sleep-ok',
    'dd if=/dev/zero of=/tmp/z bs=1k count=16 2>/dev/null && echo dd-ok',
    'echo "$(echo nested)" | cat', // fork (clone without namespace flags) and pipes
    'mkdir /tmp/d && echo x > /tmp/d/f && cat /tmp/d/f',
    'grep ^Seccomp: /proc/self/status',
  ].join('; ');
  const r = await fx.exec(sh(script), withProfile(dockerDefault()));
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('hello\nls-ok\nsleep-ok\ndd-ok\nnested\nx\nSeccomp:\t2\n');
  expect(r.code).toBe(0);
});

test('unshare of a user namespace is refused (and works without the profile)', async () => {
  const script = 'unshare -U true && echo unshared || echo refused';
  const plain = await fx.exec(sh(script));
  expect(plain.stdout).toBe('unshared\n');
  const filtered = await fx.exec(sh(script), withProfile(dockerDefault()));
  expect(filtered.stdout).toBe('refused\n');
  expect(filtered.stderr).toMatch(/Operation not permitted/);
});

test('mount is refused, even with CAP_SYS_ADMIN, because the profile was resolved without it', async () => {
  const script = 'mkdir -p /mnt; mount -t tmpfs none /mnt && echo mounted || echo refused';
  // Without the capability (Docker's default set): refused.
  const noCap = await fx.exec(sh(script), withProfile(dockerDefault()));
  expect(noCap.stdout).toBe('refused\n');
  expect(noCap.stderr).toMatch(/permission denied/); // busybox's words for EPERM
  // The filter is fixed when the profile is written: adding the capability alone changes nothing.
  const capOnly = await fx.exec(sh(script), withProfile(dockerDefault(), addCap('CAP_SYS_ADMIN')));
  expect(capOnly.stdout).toBe('refused\n');
  // Control: with the capability and no filter, the same mount works.
  const noFilter = await fx.exec(sh(script), addCap('CAP_SYS_ADMIN'));
  expect(noFilter.stdout).toBe('mounted\n');
  // What Docker sends for --cap-add SYS_ADMIN: its CAP_SYS_ADMIN rule included, and the clone/clone3
  // rules that exclude that capability left out. Then the mount works.
  const asDocker = dockerDefault();
  asDocker.syscalls = asDocker.syscalls!.filter((r) => !r.names!.includes('clone') && !r.names!.includes('clone3'));
  asDocker.syscalls.push({ names: SYS_ADMIN_RULE, action: 'SCMP_ACT_ALLOW' });
  const withCapRule = await fx.exec(sh(script), withProfile(asDocker, addCap('CAP_SYS_ADMIN')));
  expect(withCapRule.stdout).toBe('mounted\n');
});

test('unshare stays refused with CAP_SYS_ADMIN when the profile has no rule for it', async () => {
  const r = await fx.exec(sh('unshare -u true && echo ok || echo refused'), withProfile(dockerDefault(), addCap('CAP_SYS_ADMIN')));
  expect(r.stdout).toBe('refused\n');
  const control = await fx.exec(sh('unshare -u true && echo ok || echo refused'), addCap('CAP_SYS_ADMIN'));
  expect(control.stdout).toBe('ok\n');
});

test.each([true, false])('noNewPrivileges %s: the filter loads and the process runs under it', async (nnp) => {
  const r = await fx.exec(sh('grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; unshare -U true || echo refused'), withProfile(dockerDefault(), (s) => (s.process!.noNewPrivileges = nnp)));
  expect(r.stdout).toBe(`NoNewPrivs:\t${nnp ? 1 : 0}\nSeccomp:\t2\nrefused\n`);
  expect(r.code).toBe(0);
});

test('noNewPrivileges false with a non-root user: loaded before capabilities and user are dropped', async () => {
  const r = await fx.exec(sh('id -u; grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'), withProfile(dockerDefault(), (s) => {
    s.process!.noNewPrivileges = false;
    s.process!.user = { uid: 1000, gid: 1000 };
  }));
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('1000\nNoNewPrivs:\t0\nSeccomp:\t2\n');
});

test('create and start as separate steps: the filter is in force in the started process', async () => {
  const b = await fx.bundle(sh('grep ^Seccomp: /proc/self/status > /tmp/out; sleep 30'), withProfile(dockerDefault()));
  expect(fx.runc(['create', '--bundle', b.dir, b.id])).toMatchObject({ code: 0, stderr: '' });
  const pid = Number(fs.readFileSync(path.join(fx.root, b.id, 'state.json'), 'utf8').match(/"pid":\s*(\d+)/)![1]);
  // As runc 1.1: even with no_new_privs the filter is loaded before the init waits on the exec FIFO
  // (while its channel to runc-ts is still open, so a notify listener fd can be handed over).
  expect(fs.readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^Seccomp:\t2$/m);
  expect(fx.runc(['start', b.id]).code).toBe(0);
  const deadline = Date.now() + 10_000;
  while (!fs.existsSync(path.join(b.dir, 'rootfs/tmp/out')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(fs.readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^Seccomp:\t2$/m);
  expect(fx.runc(['delete', '--force', b.id]).code).toBe(0);
});

test('in user and cgroup namespaces, without a cgroup mount: the namespaces come before the filter', async () => {
  const r = await fx.exec(sh('id -u; grep ^Seccomp: /proc/self/status; cat /proc/self/cgroup | grep -c ":/$"; unshare -U true || echo refused'), withProfile(dockerDefault(), (s) => {
    s.process!.noNewPrivileges = false;
    s.linux!.namespaces!.push({ type: 'user' }, { type: 'cgroup' });
    s.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    s.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    s.mounts = s.mounts!.filter((m) => m.destination !== '/sys/fs/cgroup');
  }));
  expect(r.stderr).toMatch(/^unshare: unshare\(0x10000000\): Operation not permitted\n$/);
  const [uid, seccomp, rootCgroups, refused] = r.stdout.trim().split('\n');
  expect([uid, seccomp, refused]).toEqual(['0', 'Seccomp:\t2', 'refused']);
  expect(Number(rootCgroups)).toBeGreaterThan(0); // the cgroup namespace is in place: its root is "/"
});

test('exec gets the container\'s filter too', async () => {
  const b = await fx.bundle(['sleep', '60'], withProfile(dockerDefault()));
  expect(fx.runc(['run', '-d', '--bundle', b.dir, b.id]).code).toBe(0);
  const r = fx.runc(['exec', b.id, 'sh', '-c', 'grep ^Seccomp: /proc/self/status; unshare -U true && echo unshared || echo refused']);
  expect(r.stdout).toBe('Seccomp:\t2\nrefused\n');
  fx.runc(['delete', '--force', b.id]);
});
