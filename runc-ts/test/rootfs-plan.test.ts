// Rootfs set-up against the recording Syscalls double: the mount sequence, without root.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { convertSpec } from '../src/spec/convert.js';
import { defaultSpec } from '../src/spec/default-spec.js';
import { enterRootfs, parseMountinfo, prepareRootfs, type RootfsContext } from '../src/init/rootfs.js';
import { MNT_DETACH, MS } from '../src/syscalls/constants.js';
import { RecordingSyscalls } from './helpers/recording-syscalls.js';

let bundle: string;
let rootfs: string;
beforeEach(() => {
  bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'runc-ts-rootfs-'));
  rootfs = path.join(bundle, 'rootfs');
  fs.mkdirSync(rootfs);
});
afterEach(() => fs.rmSync(bundle, { recursive: true, force: true }));

function context(rec: RecordingSyscalls, edit?: (s: ReturnType<typeof defaultSpec>) => void): RootfsContext {
  const spec = defaultSpec();
  spec.process!.terminal = false;
  edit?.(spec);
  const config = convertSpec(spec, { id: 'c1', bundle, capLast: 40 });
  return {
    sys: rec.sys,
    config,
    userns: false,
    cgroupns: true,
    cgroupMounts: [{ name: 'memory', hostDir: '/sys/fs/cgroup/memory/c1', controllers: ['memory'] }],
    cgroupV2Only: false,
    noPivot: false,
  };
}

test('mount order: propagation, rootfs bind, spec mounts in order, then devices', () => {
  const rec = new RecordingSyscalls();
  const ctx = context(rec);
  prepareRootfs(ctx);
  const mounts = rec.named('mount');
  const real = fs.realpathSync(rootfs);
  expect(mounts[0]).toEqual([null, '/', null, MS.SLAVE | MS.REC, null]);
  expect(mounts[2]).toEqual([real, real, null, MS.BIND | MS.REC, null]);
  const targets = mounts.slice(3).map((m) => m[1]);
  expect(targets.slice(0, 6)).toEqual(['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys'].map((d) => real + d));
  expect(mounts.find((m) => m[1] === `${real}/sys/fs/cgroup/memory`)).toEqual(['/sys/fs/cgroup/memory/c1', `${real}/sys/fs/cgroup/memory`, null, MS.BIND, null]);
  // device nodes were made with mknod (no user namespace)
  expect(rec.named('mknod').map((a) => a[0])).toEqual(['null', 'zero', 'full', 'random', 'urandom', 'tty'].map((d) => `${real}/dev/${d}`));
  expect(fs.readlinkSync(path.join(rootfs, 'dev/ptmx'))).toBe('pts/ptmx');
});

test('in a user namespace, devices are bind-mounted from the host', () => {
  const rec = new RecordingSyscalls();
  const ctx = { ...context(rec), userns: true };
  prepareRootfs(ctx);
  expect(rec.named('mknod')).toEqual([]);
  const real = fs.realpathSync(rootfs);
  expect(rec.named('mount')).toContainEqual(['/dev/null', `${real}/dev/null`, null, MS.BIND, null]);
});

test('a destination that resolves outside the rootfs is refused before mounting', () => {
  const rec = new RecordingSyscalls();
  const real = fs.realpathSync(rootfs);
  rec.redirect.set(`${real}/proc`, '/proc'); // as if a symlink was swapped in after resolution
  const ctx = context(rec);
  expect(() => prepareRootfs(ctx)).toThrow('error mounting "proc" to rootfs at "/proc": mount destination /proc resolves to /proc on the host, outside the container\'s rootfs');
  expect(rec.named('mount').some((m) => m[1] === '/proc' || m[1] === `${real}/proc`)).toBe(false);
});

test('bind mounts: bind, then a remount for the other flags', () => {
  const src = path.join(bundle, 'src');
  fs.mkdirSync(src);
  const rec = new RecordingSyscalls();
  const ctx = context(rec, (s) => s.mounts!.push({ destination: '/data', source: src, options: ['rbind', 'ro', 'nosuid', 'rprivate'] }));
  prepareRootfs(ctx);
  const real = fs.realpathSync(rootfs);
  const data = rec.named('mount').filter((m) => m[1] === `${real}/data`);
  expect(data).toEqual([
    [src, `${real}/data`, null, MS.BIND | MS.REC, null],
    [null, `${real}/data`, null, MS.RDONLY | MS.NOSUID | MS.BIND | MS.REMOUNT, null],
    [null, `${real}/data`, null, MS.PRIVATE | MS.REC, null],
  ]);
});

test('pivot_root sequence, and the chroot fallback', () => {
  const rec = new RecordingSyscalls();
  const ctx = context(rec);
  enterRootfs(ctx);
  expect(rec.calls.map((c) => c.name)).toEqual(['open', 'open', 'fchdir', 'pivotRoot', 'fchdir', 'mount', 'umount2', 'chdir', 'close', 'close']);
  expect(rec.named('pivotRoot')[0]).toEqual(['.', '.']);
  expect(rec.named('umount2')[0]).toEqual(['.', MNT_DETACH]);

  const rec2 = new RecordingSyscalls();
  enterRootfs({ ...context(rec2), noPivot: true });
  // First every full proc and sysfs mount of this (host) namespace is made a slave and detached.
  const pseudo = parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8')).filter((m) => m.root === '/' && (m.fstype === 'proc' || m.fstype === 'sysfs'));
  expect(pseudo.length).toBeGreaterThan(0);
  expect(rec2.calls.map((c) => c.name)).toEqual([...pseudo.flatMap(() => ['mount', 'umount2']), 'chdir', 'mount', 'chroot', 'chdir']);
  expect(rec2.named('umount2')).toEqual(pseudo.map((m) => [m.mountPoint, MNT_DETACH]));
  expect(rec2.named('mount')[0]).toEqual([null, pseudo[0]!.mountPoint, null, MS.SLAVE | MS.REC, null]);
  expect(rec2.named('mount').at(-1)).toEqual([fs.realpathSync(rootfs), '/', null, MS.MOVE, null]);
});
