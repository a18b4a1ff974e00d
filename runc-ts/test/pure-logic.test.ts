// Pure pieces: the lifecycle table, signals, /proc parsing, cgroup discovery, capability masks, path safety.
import { parseHierarchies } from '../src/cgroups/hierarchy.js';
import { blkioToIoWeight, sharesToWeight } from '../src/cgroups/v2.js';
import { deviceRuleLine } from '../src/cgroups/v1.js';
import { parseSignal } from '../src/container/signals.js';
import { parseProcStat } from '../src/container/proc-info.js';
import { exitCodeOf } from '../src/container/process-wait.js';
import { formatIdMap } from '../src/container/id-maps.js';
import { capMask } from '../src/init/capabilities.js';
import { makedev } from '../src/init/device-number.js';
import { isWithin, secureJoin, type PathOps } from '../src/init/secure-join.js';
import { containerPath, inContainerTerms } from '../src/init/container-paths.js';
import { refusal } from '../src/state/status.js';

test('lifecycle: which operation is allowed in which status', () => {
  expect(refusal('start', 'created')).toBeUndefined();
  expect(refusal('start', 'running')).toBe('cannot start an already running container');
  expect(refusal('start', 'stopped')).toBe('cannot start a container that has stopped');
  expect(refusal('kill', 'stopped')).toBe('container not running');
  expect(refusal('kill', 'paused')).toBeUndefined();
  expect(refusal('delete', 'running')).toBe('cannot delete container that is not stopped: running');
  expect(refusal('delete', 'running', { force: true })).toBeUndefined();
  expect(refusal('delete', 'created')).toBeUndefined();
  expect(refusal('pause', 'paused')).toBe('container already paused');
  expect(refusal('resume', 'running')).toBe('container not paused');
  expect(refusal('exec', 'paused')).toMatch(/--ignore-paused/);
  expect(refusal('exec', 'paused', { ignorePaused: true })).toBeUndefined();
  expect(refusal('exec', 'stopped')).toBe('cannot exec in a stopped container');
});

test('signals by name, SIG-name, number and real-time offset', () => {
  expect(parseSignal('KILL')).toBe(9);
  expect(parseSignal('sigterm')).toBe(15);
  expect(parseSignal('10')).toBe(10);
  expect(parseSignal('RTMIN+2')).toBe(36);
  expect(parseSignal('RTMAX-1')).toBe(63);
  expect(() => parseSignal('99')).toThrow('invalid signal number 99');
  expect(() => parseSignal('FOO')).toThrow('unknown signal "FOO"');
});

test('exit codes from wait statuses', () => {
  expect(exitCodeOf(3 << 8)).toBe(3);
  expect(exitCodeOf(9)).toBe(137);
});

test('/proc/<pid>/stat with a command name holding spaces and parens', () => {
  const stat = '4242 (we ird) (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 123456 1000 200';
  expect(parseProcStat(stat)).toEqual({ state: 'S', ppid: 1, startTime: '123456' });
});

test('cgroup hierarchies: hybrid, v1 only, v2 only', () => {
  const hybrid = [
    '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
    '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct',
    '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
    '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd',
    '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
  ].join('\n');
  const h = parseHierarchies(hybrid, () => 'hugetlb');
  expect(h.mode).toBe('hybrid');
  expect([...h.v1]).toEqual([
    ['cpu', '/sys/fs/cgroup/cpu,cpuacct'],
    ['cpuacct', '/sys/fs/cgroup/cpu,cpuacct'],
    ['memory', '/sys/fs/cgroup/memory'],
    ['name=systemd', '/sys/fs/cgroup/systemd'],
  ]);
  expect(h.v2).toBe('/sys/fs/cgroup/unified');
  expect([...h.v2Controllers]).toEqual(['hugetlb']);
  const v2 = parseHierarchies('30 1 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw', () => 'cpu memory pids');
  expect(v2.mode).toBe('v2');
  expect(parseHierarchies(hybrid.split('\n').slice(0, 3).join('\n'), () => '').mode).toBe('v1');
});

test('cgroup conversions and device rule lines', () => {
  expect(sharesToWeight(1024)).toBe(39);
  expect(sharesToWeight(2)).toBe(1);
  expect(sharesToWeight(262144)).toBe(10000);
  expect(blkioToIoWeight(10)).toBe(1);
  expect(blkioToIoWeight(1000)).toBe(10000);
  expect(deviceRuleLine({ allow: true, type: 'c', major: 1, minor: null, access: 'rwm' })).toBe('c 1:* rwm');
  expect(deviceRuleLine({ allow: false, type: 'a', major: null, minor: null, access: 'rwm' })).toBe('a *:* rwm');
});

test('capability masks, device numbers, id maps', () => {
  expect(capMask(['CAP_CHOWN', 'CAP_KILL', 'CAP_SYS_ADMIN']).toString(16)).toBe('200021');
  expect(makedev(1, 3)).toBe(0x103n);
  expect(makedev(259, 65536)).toBe(0x10010300n);
  expect(formatIdMap([{ containerID: 0, hostID: 1000, size: 1 }, { containerID: 1, hostID: 100000, size: 65535 }])).toBe('0 1000 1\n1 100000 65535\n');
});

describe('secureJoin keeps every path inside the root', () => {
  // A fake file system: /root/etc -> /../../host, /root/rel -> ../../x, /root/loop -> loop
  const links: Record<string, string> = { '/r/abs': '/etc', '/r/up': '../../../outside', '/r/loop': 'loop', '/r/etc/deep': '../abs/x' };
  const ops: PathOps = {
    lstat: (p) => (p in links ? { isSymbolicLink: () => true } : { isSymbolicLink: () => false }),
    readlink: (p) => links[p]!,
  };
  test.each([
    ['/a/b', '/r/a/b'],
    ['../../../etc', '/r/etc'],
    ['/abs/passwd', '/r/etc/passwd'],
    ['/up/x', '/r/outside/x'],
    ['/etc/deep', '/r/etc/x'],
    ['', '/r'],
  ])('%s → %s', (input, expected) => {
    expect(secureJoin('/r', input, ops)).toBe(expected);
  });
  test('a symlink loop is an error, not a hang', () => {
    expect(() => secureJoin('/r', '/loop/x', ops)).toThrow(/too many levels of symbolic links/);
  });
  test('isWithin', () => {
    expect(isWithin('/r', '/r/x')).toBe(true);
    expect(isWithin('/r', '/r')).toBe(true);
    expect(isWithin('/r', '/rx')).toBe(false);
  });
});

describe('blkio statistics files', () => {
  const { parseBlkioV1, parseIoStatV2 } = require('../src/cgroups/stats.js') as typeof import('../src/cgroups/stats.js');
  test('cgroup v1: device lines with and without an operation; the Total line skipped', () => {
    expect(parseBlkioV1('8:0 Read 4096\n8:0 Write 0\n8:0 Sync 0\n8:0 Async 4096\n8:0 Discard 0\n8:0 Total 4096\nTotal 4096\n')).toEqual([
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 0 },
      { major: 8, minor: 0, op: 'Sync', value: 0 },
      { major: 8, minor: 0, op: 'Async', value: 4096 },
      { major: 8, minor: 0, op: 'Discard', value: 0 },
      { major: 8, minor: 0, op: 'Total', value: 4096 },
    ]);
    expect(parseBlkioV1('253:1 77\n')).toEqual([{ major: 253, minor: 1, op: '', value: 77 }]);
    expect(parseBlkioV1(undefined)).toEqual([]);
  });
  test("cgroup v2 io.stat in v1's terms", () => {
    const b = parseIoStatV2('259:0 rbytes=8192 wbytes=4096 rios=2 wios=1 dbytes=0 dios=0\n');
    expect(b.ioServiceBytesRecursive).toEqual([
      { major: 259, minor: 0, op: 'Read', value: 8192 },
      { major: 259, minor: 0, op: 'Write', value: 4096 },
    ]);
    expect(b.ioServicedRecursive.map((e) => e.value)).toEqual([2, 1]);
  });
});

test('rootfs errors are told in the container\'s paths, never the bundle\'s', () => {
  const rootfs = '/run/containerd-ts/io.containerd.runtime.v2.task/ns/abc/rootfs';
  expect(containerPath(rootfs, `${rootfs}/etc/passwd`)).toBe('/etc/passwd');
  expect(containerPath(rootfs, rootfs)).toBe('/');
  expect(containerPath(rootfs, '/etc/passwd')).toBe('/etc/passwd');
  const fsError = (code: string, syscall: string, p: string, text: string) => Object.assign(new Error(`${code}: ${text}, ${syscall} '${p}'`), { code, syscall, path: p });
  expect(inContainerTerms(fsError('EEXIST', 'mkdir', `${rootfs}/etc/hostname`, 'file already exists'), rootfs)).toBe('mkdir /etc/hostname: not a directory');
  expect(inContainerTerms(fsError('EACCES', 'open', `${rootfs}/x`, 'permission denied'), rootfs)).toBe('open /x: permission denied');
  expect(inContainerTerms(new Error(`mount tmpfs on ${rootfs}/run: EPERM: operation not permitted`), rootfs)).toBe('mount tmpfs on /run: EPERM: operation not permitted');
  expect(inContainerTerms(new Error(`too many levels of symbolic links resolving /a in ${rootfs}`), rootfs)).toBe('too many levels of symbolic links resolving /a in /');
});
