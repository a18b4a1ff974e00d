// Pure logic of CRI security contexts: capability tweaks with ALL, users and groups from layered
// /etc files (whiteouts hide), pod sysctl checks, dev_t splitting.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tweakCapabilities } from '../src/cri/capabilities.js';
import { splitDev } from '../src/cri/host-devices.js';
import { resolveUser } from '../src/cri/image-user.js';
import { checkSysctls } from '../src/cri/sandbox-spec.js';

test('capabilities: drops then adds, ALL either way, names normalized, unknown refused', () => {
  const base = ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_RAW'];
  expect(tweakCapabilities(base, ['sys_admin'], ['NET_RAW'])).toEqual(['CAP_CHOWN', 'CAP_KILL', 'CAP_SYS_ADMIN']);
  expect(tweakCapabilities(base, ['NET_ADMIN'], ['ALL'])).toEqual(['CAP_NET_ADMIN']);
  expect(tweakCapabilities(base, ['KILL'], ['KILL'])).toEqual(['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_RAW']); // an add wins over its drop
  expect(tweakCapabilities(base, ['ALL'], ['CHOWN'])).not.toContain('CAP_CHOWN');
  expect(() => tweakCapabilities(base, [], ['NOPE'])).toThrow(/unknown capability to drop: "CAP_NOPE"/);
});

test('users: by name and uid from the top layer down; a whiteout hides a lower /etc/passwd', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cri-user-'));
  try {
    const [upper, lower] = [path.join(dir, 'upper'), path.join(dir, 'lower')];
    fs.mkdirSync(path.join(upper, 'etc'), { recursive: true });
    fs.mkdirSync(path.join(lower, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(lower, 'etc/passwd'), 'root:x:0:0::/:/bin/sh\nweb:x:33:33::/:/bin/sh\n');
    fs.writeFileSync(path.join(lower, 'etc/group'), 'web:x:33:\nlogs:x:4:web\nadm:x:9:web,x\n');
    expect(resolveUser([upper, lower], { name: 'web' })).toEqual({ uid: 33, gid: 33, additionalGids: [4, 9] });
    expect(resolveUser([upper, lower], { uid: 33 }, { gid: 4 })).toEqual({ uid: 33, gid: 4, additionalGids: [9] });
    expect(resolveUser([upper, lower], { uid: 500 })).toEqual({ uid: 500, gid: 0, additionalGids: [] });
    expect(() => resolveUser([upper, lower], { name: 'web' }, { name: 'nope' })).toThrow(/no group "nope"/);
    fs.symlinkSync('/etc/shadow', path.join(upper, 'etc/group'));
    expect(resolveUser([upper, lower], { name: 'web' }).additionalGids).toEqual([]); // a symlink is never followed
    // An overlayfs whiteout (a 0/0 character device) of the upper layer hides the lower file.
    execFileSync('mknod', [path.join(upper, 'etc/passwd'), 'c', '0', '0']);
    expect(() => resolveUser([upper, lower], { name: 'web' })).toThrow(/no user "web"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('pod sysctls: namespaced ones only, in namespaces the pod owns', () => {
  expect(() => checkSysctls({ 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1', 'fs.mqueue.msg_max': '20', 'net/core/somaxconn': '10' }, { hostNetwork: false, hostIpc: false })).not.toThrow();
  expect(() => checkSysctls({ 'vm.swappiness': '1' }, { hostNetwork: false, hostIpc: false })).toThrow(/not namespaced/);
  expect(() => checkSysctls({ 'kernel.sem': '1 2 3 4' }, { hostNetwork: false, hostIpc: true })).toThrow(/own IPC namespace/);
  expect(() => checkSysctls({ 'net.a': 'x\ny' }, { hostNetwork: false, hostIpc: false })).toThrow(/is not valid/);
});

test('dev_t: major and minor as glibc splits them', () => {
  expect(splitDev(0x0103)).toEqual({ major: 1, minor: 3 });
  expect(splitDev(fs.statSync('/dev/null').rdev)).toEqual({ major: 1, minor: 3 });
  expect(splitDev(0x10000000 * 16 + 0x0a05)).toMatchObject({ major: 10 });
});
