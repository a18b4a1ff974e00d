// Pure logic, no daemons: references, the seccomp profile resolution, capabilities, -v parsing,
// detach keys, templates, argv splitting, restart policies, stream framing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { familiarName, normalizedName, parseReference } from '../src/common/reference.js';
import { resolveDefaultSeccomp } from '@stack/containerd-ts/seccomp';
import { capabilitySet, DEFAULT_CAPABILITIES, hostCapabilities } from '../src/oci/capabilities.js';
import { parseBind } from '../src/daemon/containers/binds.js';
import { DetachScanner, parseDetachKeys } from '../src/common/detach-keys.js';
import { renderTemplate, tabulate } from '../src/cli/format/template.js';
import { splitCommandArgs } from '../src/cli/argv-split.js';
import { Backoff, shouldRestart } from '../src/daemon/containers/restart-policy.js';
import { frame, FrameDecoder } from '../src/common/stdcopy.js';
import { chainIds } from '../src/daemon/images/chain-id.js';
import { resolveUser } from '../src/oci/user.js';
import { parsePublish } from '../src/cli/options/container-options.js';

const FIXTURE = path.resolve(__dirname, '../../../runc-ts/test/fixtures/docker-default-seccomp.json');

test('references are normalized as Docker does', () => {
  expect(normalizedName('busybox')).toBe('docker.io/library/busybox:latest');
  expect(normalizedName('team/app:1')).toBe('docker.io/team/app:1');
  expect(normalizedName('127.0.0.1:5000/a/b')).toBe('127.0.0.1:5000/a/b:latest');
  expect(normalizedName('localhost/x@sha256:' + 'a'.repeat(64))).toBe('localhost/x@sha256:' + 'a'.repeat(64));
  expect(familiarName('docker.io/library/busybox:latest')).toBe('busybox:latest');
  expect(familiarName('docker.io/team/app:1')).toBe('team/app:1');
  expect(() => parseReference('Bad:Ref:x')).toThrow(/invalid reference format/);
  expect(() => parseReference('UPPER')).toThrow();
});

test("the default seccomp profile resolved for Docker's default capabilities is the reference one", () => {
  const ref = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { syscalls: Array<{ names: string[] }> };
  const ours = resolveDefaultSeccomp(DEFAULT_CAPABILITIES, 'amd64', '6.1.0');
  expect(JSON.parse(JSON.stringify(ours))).toEqual(ref);
});

test('capabilities change the profile: SYS_ADMIN allows mount and unfiltered clone, SYS_PTRACE ptrace', () => {
  const names = (caps: string[], kernel = '6.1.0') => resolveDefaultSeccomp(caps, 'amd64', kernel).syscalls.flatMap((r) => r.names);
  expect(names(DEFAULT_CAPABILITIES)).not.toContain('mount');
  const admin = resolveDefaultSeccomp([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'], 'amd64', '6.1.0').syscalls;
  expect(admin.flatMap((r) => r.names)).toContain('mount');
  expect(admin.find((r) => r.names.includes('clone') && r.args)).toBeUndefined();
  expect(admin.find((r) => r.names.includes('clone3'))?.action).toBe('SCMP_ACT_ALLOW');
  expect(names(['CAP_SYS_PTRACE'], '4.4.0')).toContain('ptrace');
  expect(names([], '4.4.0')).not.toContain('ptrace');
  expect(names(DEFAULT_CAPABILITIES)).toContain('chroot');
  expect(names(DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_SYS_CHROOT'))).not.toContain('chroot');
  expect(resolveDefaultSeccomp([], 'arm64', '6.1.0').architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
});

test('cap-add/cap-drop/privileged', () => {
  expect(capabilitySet({ privileged: false, add: ['net_admin'], drop: ['CHOWN'] })).toEqual([...DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_CHOWN'), 'CAP_NET_ADMIN']);
  expect(capabilitySet({ privileged: false, add: [], drop: ['ALL'] })).toEqual([]);
  expect(capabilitySet({ privileged: true, add: [], drop: [] })).toContain('CAP_SYS_ADMIN');
  expect(hostCapabilities('CapBnd:\t0000000000000005\n')).toEqual(['CAP_CHOWN', 'CAP_DAC_READ_SEARCH']);
  expect(() => capabilitySet({ privileged: false, add: ['BOGUS'], drop: [] })).toThrow(/unknown capability/);
});

test('-v specifications', () => {
  // The default propagation (rprivate, or rslave for the daemon's root) is settled later: settlePropagation.
  expect(parseBind('/host:/ctr:ro')).toMatchObject({ type: 'bind', source: '/host', destination: '/ctr', rw: false, propagation: '' });
  expect(parseBind('data:/d')).toMatchObject({ type: 'volume', source: 'data', destination: '/d', rw: true });
  expect(parseBind('/anon')).toMatchObject({ type: 'volume', source: '', destination: '/anon' });
  expect(parseBind('data:/d:nocopy')).toMatchObject({ noCopy: true });
  expect(() => parseBind('a:b:c:d')).toThrow(/invalid volume specification/);
  expect(() => parseBind('/x:/')).toThrow(/destination can't be/);
  expect(() => parseBind('/x:/y:bogus')).toThrow(/invalid mode/);
});

test('detach keys are recognized across chunks and partial matches are passed on', () => {
  const keys = parseDetachKeys('ctrl-p,ctrl-q');
  expect(keys).toEqual([16, 17]);
  const d = new DetachScanner(keys);
  expect(d.scan(Buffer.from([97, 16]))).toEqual({ pass: Buffer.from([97]), detach: false });
  expect(d.scan(Buffer.from([98]))).toEqual({ pass: Buffer.from([16, 98]), detach: false });
  expect(d.scan(Buffer.from([16]))).toEqual({ pass: Buffer.alloc(0), detach: false });
  expect(d.scan(Buffer.from([17, 99]))).toEqual({ pass: Buffer.alloc(0), detach: true });
  expect(() => parseDetachKeys('ctrl-1')).toThrow();
});

test('templates and tables', () => {
  const row = { ID: 'abc', Names: 'web', Labels: { a: '1' }, List: ['x', 'y'] };
  expect(renderTemplate('{{.ID}}\\t{{.Names}}', row)).toBe('abc\tweb');
  expect(renderTemplate('{{json .Labels}}', row)).toBe('{"a":"1"}');
  expect(renderTemplate('{{join .List ","}} {{upper .Names}}', row)).toBe('x,y WEB');
  expect(() => renderTemplate('{{.Missing}}', row)).toThrow(/map has no entry for key "Missing"/);
  expect(tabulate([['A', 'BB'], ['ccc', 'd']])).toBe('A         BB\nccc       d');
});

test("argv splitting keeps the container's own flags", () => {
  expect(splitCommandArgs(['run', '-it', '-e', 'A=1', '--rm', 'busybox', 'sh', '-c', 'x'])).toEqual(['run', '-it', '-e', 'A=1', '--rm', 'busybox', '--', 'sh', '-c', 'x']);
  expect(splitCommandArgs(['-H', 'unix:///s', 'exec', '-it', 'c', 'ls', '-l'])).toEqual(['-H', 'unix:///s', 'exec', '-it', 'c', '--', 'ls', '-l']);
  expect(splitCommandArgs(['run', '--name=x', '-v', '/a:/b', 'img'])).toEqual(['run', '--name=x', '-v', '/a:/b', 'img']);
  expect(splitCommandArgs(['ps', '-a'])).toEqual(['ps', '-a']);
});

test('restart policies and back-off', () => {
  expect(shouldRestart({ Name: 'always', MaximumRetryCount: 0 }, 0, false, 9)).toBe(true);
  expect(shouldRestart({ Name: 'always', MaximumRetryCount: 0 }, 0, true, 0)).toBe(false);
  expect(shouldRestart({ Name: 'always', MaximumRetryCount: 0 }, 143, true, 0, true)).toBe(true); // dockerd at its start
  expect(shouldRestart({ Name: 'unless-stopped', MaximumRetryCount: 0 }, 143, true, 0, true)).toBe(false);
  expect(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, 1, false, 1)).toBe(true);
  expect(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, 1, false, 2)).toBe(false);
  expect(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 0 }, 0, false, 0)).toBe(false);
  expect(shouldRestart({ Name: 'unless-stopped', MaximumRetryCount: 0 }, 0, true, 0)).toBe(false);
  expect(shouldRestart({ Name: 'no', MaximumRetryCount: 0 }, 1, false, 0)).toBe(false);
  const b = new Backoff();
  expect([b.next(0), b.next(0), b.next(0), b.next(20_000)]).toEqual([100, 200, 400, 100]);
});

test('stream framing round-trips', () => {
  const got: Array<[number, string]> = [];
  const dec = new FrameDecoder((s, p) => got.push([s, p.toString()]));
  const bytes = Buffer.concat([frame(1, Buffer.from('out')), frame(2, Buffer.from('err'))]);
  dec.push(bytes.subarray(0, 5));
  dec.push(bytes.subarray(5));
  expect(got).toEqual([[1, 'out'], [2, 'err']]);
});

test('chain IDs, users, published ports', () => {
  const ids = chainIds(['sha256:a', 'sha256:b']);
  expect(ids[0]).toBe('sha256:a');
  expect(ids[1]).toMatch(/^sha256:[a-f0-9]{64}$/);
  const passwd = 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n';
  const group = 'root:x:0:\nwheel:x:10:user\nuser:x:1000:\n';
  // dockerd's supplementary groups: the primary group, then the groups listing the user.
  expect(resolveUser('user', passwd, group)).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000, 10], home: '/home/user' });
  expect(resolveUser('1000:10', passwd, group)).toMatchObject({ uid: 1000, gid: 10 });
  expect(resolveUser('', passwd, group)).toMatchObject({ uid: 0, gid: 0, home: '/root' });
  expect(() => resolveUser('nobody2', passwd, group)).toThrow(/unable to find user nobody2/);
  expect(parsePublish(['127.0.0.1:8080:80/udp', '443'])).toEqual({
    exposed: { '80/udp': {}, '443/tcp': {} },
    bindings: { '80/udp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '443/tcp': [{ HostIp: '', HostPort: '' }] },
  });
});
