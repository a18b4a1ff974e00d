// config.json validation and conversion: pure, no root needed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { convertSpec, parseSpec } from '../src/spec/convert.js';
import { validateId } from '../src/state/container-id.js';
import { defaultSpec } from '../src/spec/default-spec.js';
import { parseMountOptions } from '../src/spec/mount-options.js';
import { MOUNT_ATTR, MS } from '../src/syscalls/constants.js';
import type { Spec } from '../src/spec/types.js';

let bundle: string;
beforeAll(() => {
  bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'runc-ts-spec-'));
  fs.mkdirSync(path.join(bundle, 'rootfs'));
});
afterAll(() => fs.rmSync(bundle, { recursive: true, force: true }));

const base = (): Spec => {
  const s = defaultSpec();
  s.process!.terminal = false;
  return s;
};
const convert = (s: Spec) => convertSpec(s, { id: 'c1', bundle, capLast: 40 });
const fails = (edit: (s: Spec) => void) => {
  const s = base();
  edit(s);
  return () => convert(s);
};

test('defaults are applied', () => {
  const c = convert(base());
  expect(c.rootfs).toBe(fs.realpathSync(path.join(bundle, 'rootfs')));
  expect(c.cgroupsPath).toBe('/c1');
  expect(c.process.user).toEqual({ uid: 0, gid: 0, umask: 0o022, additionalGids: [] });
  expect(c.rootfsPropagation).toBe(MS.SLAVE | MS.REC);
  expect(c.devices.map((d) => d.path)).toEqual(['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty']);
  expect(c.resources.devices[0]).toEqual({ allow: false, type: 'a', major: null, minor: null, access: 'rwm' });
  expect(c.process.rlimits).toEqual([{ name: 'RLIMIT_NOFILE', resource: 7, soft: '1024', hard: '1024' }]);
  expect(c.mounts.find((m) => m.destination === '/sys')).toMatchObject({ type: 'sysfs', bind: false, flags: MS.NOSUID | MS.NOEXEC | MS.NODEV | MS.RDONLY });
});

test('unlimited rlimits survive JSON rounding', () => {
  const s = base();
  s.process!.rlimits = [{ type: 'RLIMIT_MEMLOCK', soft: 18446744073709551615, hard: 18446744073709551615 }];
  expect(convert(s).process.rlimits[0]).toMatchObject({ soft: '18446744073709551615', hard: '18446744073709551615' });
});

test('errors name the field', () => {
  expect(() => parseSpec('{"a":')).toThrow(/^config\.json: config\.json is not valid JSON/);
  expect(() => parseSpec('[]')).toThrow('config.json: the top level must be a JSON object');
  expect(fails((s) => delete s.process)).toThrow('config.json: process is missing');
  expect(fails((s) => (s.process!.cwd = 'relative'))).toThrow('config.json: process.cwd must be an absolute path, got "relative"');
  expect(fails((s) => s.linux!.namespaces!.push({ type: 'pid' }))).toThrow('namespace type "pid" is given twice');
  expect(fails((s) => (s.linux!.namespaces = [{ type: 'pid' }, { type: 'uts' }]))).toThrow('unable to restrict sys entries without a private MNT namespace');
  expect(fails((s) => s.linux!.namespaces!.push({ type: 'user' }))).toThrow('a new user namespace needs linux.uidMappings and linux.gidMappings');
  expect(fails((s) => (s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'uts')))).toThrow('hostname is set but the container has no uts namespace');
  expect(fails((s) => (s.linux!.rootfsPropagation = 'sideways'))).toThrow('unknown propagation "sideways"');
  expect(fails((s) => (s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 5 }]))).toThrow('soft limit 10 exceeds hard limit 5');
  expect(fails((s) => (s.linux!.resources = { memory: { limit: 100, swap: 50 } }))).toThrow(/swap \(50\) is memory\+swap/);
  expect(fails((s) => (s.linux!.cgroupsPath = '/a/../../b'))).toThrow("must not contain '..'");
  expect(fails((s) => (s.linux!.devices = [{ type: 'c', path: '/etc/passwd', major: 1, minor: 3 }]))).toThrow('/etc/passwd is not under /dev');
  expect(fails((s) => (s.linux!.sysctl = { '../../x': '1' }))).toThrow('invalid key');
  expect(fails((s) => (s.process!.oomScoreAdj = 5000))).toThrow('between -1000 and 1000');
});

test('capabilities: unknown names are errors, ones newer than the kernel are dropped', () => {
  expect(fails((s) => s.process!.capabilities!.effective!.push('CAP_NOPE'))).toThrow('process.capabilities.effective: unknown capability "CAP_NOPE"');
  const s = base();
  s.process!.capabilities!.bounding = ['CAP_KILL', 'CAP_BPF'];
  expect(convertSpec(s, { id: 'c1', bundle, capLast: 37 }).process.capabilities.bounding).toEqual(['CAP_KILL']);
});

test('container ids', () => {
  expect(() => validateId('ok_id-1.2+x')).not.toThrow();
  for (const bad of ['', '..', 'a/b', 'a b', 'é']) expect(() => validateId(bad)).toThrow();
});

test('mount options split into flags, propagation and data', () => {
  expect(parseMountOptions(['rbind', 'ro', 'nosuid', 'rslave', 'size=10m', 'mode=755'])).toEqual({
    flags: MS.BIND | MS.REC | MS.RDONLY | MS.NOSUID,
    propagation: [MS.SLAVE | MS.REC],
    data: 'size=10m,mode=755',
    recAttrSet: 0,
    recAttrClr: 0,
  });
  expect(parseMountOptions(['ro', 'rw', 'nodev', 'dev', 'tmpcopyup'])).toEqual({ flags: 0, propagation: [], data: '', recAttrSet: 0, recAttrClr: 0 });
  // runc 1.1's recursive options go to mount_setattr, not to the filesystem's data
  expect(parseMountOptions(['rbind', 'rro', 'rnosuid', 'rdev', 'rnoatime'])).toEqual({
    flags: MS.BIND | MS.REC,
    propagation: [],
    data: '',
    recAttrSet: MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID | MOUNT_ATTR.NOATIME,
    recAttrClr: MOUNT_ATTR.NODEV | MOUNT_ATTR._ATIME,
  });
});

test('relative bind sources resolve against the bundle', () => {
  fs.mkdirSync(path.join(bundle, 'data'), { recursive: true });
  const s = base();
  s.mounts!.push({ destination: '/data', source: 'data', options: ['bind'] });
  expect(convert(s).mounts.at(-1)).toMatchObject({ source: path.join(bundle, 'data'), type: 'bind', bind: true });
});
