// The parts of ctr-ts that need no daemon: the spec built from an image config and the flags, user
// lookup in a snapshot's layers, flag parsing, and where the container's command line starts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultSpec, generatedSpec } from '../src/client/oci/default-spec.js';
import { mountArgs, mountsOn } from '../src/cmd/ctr/images/host-mount.js';
import { humanDuration, humanSize } from '../src/cmd/ctr/human-units.js';
import { withAddedCapabilities, withDevices, withDroppedCapabilities, withHostNetwork, withPrivileged } from '../src/client/oci/linux-opts.js';
import { readRootfsFile, rootfsUserDb } from '../src/client/oci/rootfs-files.js';
import { mergeEnv, withCpus, withEnv, withImageConfig, withMemoryLimit, withProcessArgs, withTTY } from '../src/client/oci/spec-opts.js';
import { EMPTY_USER_DB, resolveUser, type UserDb } from '../src/client/oci/user.js';
import { commandTail, splitCommandTail } from '../src/cmd/ctr/command-tail.js';
import { containerOptions, parseMount } from '../src/cmd/ctr/container-flags.js';
import { parseSignal } from '../src/cmd/ctr/tasks/signals.js';
import { checkLogUri, taskStdio } from '../src/cmd/ctr/tasks/task-stdio.js';
import { removeTree, tempDir } from './support/temp.js';

const db: UserDb = {
  passwd: () => [
    { name: 'root', uid: 0, gid: 0 },
    { name: 'web', uid: 33, gid: 33 },
  ],
  group: () => [
    { name: 'root', gid: 0, members: [] },
    { name: 'web', gid: 33, members: [] },
    { name: 'log', gid: 4, members: ['web', 'root'] },
    { name: 'disk', gid: 6, members: ['root'] },
  ],
};

describe('spec', () => {
  test('containerd\'s defaults: capabilities, mounts, masked paths, namespaces, cgroup /<namespace>/<id>', () => {
    const s = defaultSpec('ns1', 'c1');
    expect(s.linux.cgroupsPath).toBe('/ns1/c1');
    expect(s.process.capabilities?.bounding).toContain('CAP_NET_BIND_SERVICE');
    expect(s.process.capabilities?.bounding).not.toContain('CAP_SYS_ADMIN');
    expect(s.mounts.map((m) => m.destination)).toEqual(['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/run']);
    expect(s.linux.namespaces.map((n) => n.type).sort()).toEqual(['ipc', 'mount', 'network', 'pid', 'uts']);
    expect(s.linux.maskedPaths).toContain('/proc/kcore');
    expect(s.linux.readonlyPaths).toContain('/proc/sys');
    expect(s.linux.resources.devices?.[0]).toEqual({ allow: false, access: 'rwm' });
    expect(s.process.noNewPrivileges).toBe(true);
  });

  test('the image config: Entrypoint+Cmd, Env (PATH by default), WorkingDir, User and its groups', () => {
    const s = defaultSpec('n', 'c');
    withImageConfig(s, { Entrypoint: ['/init'], Cmd: ['serve'], Env: ['A=1', 'PATH=/x'], WorkingDir: '/srv', User: 'web' }, db);
    expect(s.process).toMatchObject({ args: ['/init', 'serve'], env: ['A=1', 'PATH=/x'], cwd: '/srv', user: { uid: 33, gid: 33, additionalGids: [33, 4] } });
    const d = defaultSpec('n', 'c');
    withImageConfig(d, { Cmd: ['sh'] }, EMPTY_USER_DB);
    expect(d.process).toMatchObject({ args: ['sh'], env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], cwd: '/', user: { uid: 0, gid: 0 } });
    // ctr replaces the whole command line, entrypoint included
    withProcessArgs(s, ['echo', 'hi']);
    expect(s.process.args).toEqual(['echo', 'hi']);
  });

  test('flags on top: env replaces by key, tty adds TERM, memory and CPU limits', () => {
    const s = defaultSpec('n', 'c');
    withImageConfig(s, { Env: ['A=1', 'B=2'] }, EMPTY_USER_DB);
    withEnv(s, ['B=3', 'C=4']);
    expect(s.process.env).toEqual(['A=1', 'B=3', 'C=4']);
    withTTY(s);
    expect(s.process).toMatchObject({ terminal: true, env: ['A=1', 'B=3', 'C=4', 'TERM=xterm'] });
    withMemoryLimit(s, 1 << 26);
    withCpus(s, 0.25);
    expect(s.linux.resources).toMatchObject({ memory: { limit: 1 << 26 }, cpu: { quota: 25_000, period: 100_000 } });
    expect(mergeEnv(['X=1'], ['X=2', 'X=3'])).toEqual(['X=3']);
  });

  test('users: UID, UID:GID, names, UID with its passwd group, supplementary groups, errors', () => {
    // The primary gid comes first, as containerd 1.6.18+ (CVE-2023-25173).
    expect(resolveUser('0', db)).toEqual({ uid: 0, gid: 0, additionalGids: [0, 4, 6] });
    expect(resolveUser('33', db)).toEqual({ uid: 33, gid: 33, additionalGids: [33, 4] });
    expect(resolveUser('1234', db)).toEqual({ uid: 1234, gid: 0, additionalGids: [0] });
    expect(resolveUser('1234:99', db)).toEqual({ uid: 1234, gid: 99, additionalGids: [99] });
    expect(resolveUser('web:disk', db)).toEqual({ uid: 33, gid: 6, additionalGids: [6, 4] });
    expect(() => resolveUser('ghost', db)).toThrow(/unable to find user ghost/);
    expect(() => resolveUser('web:nogroup', db)).toThrow(/unable to find group nogroup/);
    expect(() => resolveUser('1:2:3', db)).toThrow(/invalid user/);
    expect(() => resolveUser('99999999999', db)).toThrow(/out of range/);
  });
});

describe('a rootfs read through its overlay layers', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('rootfs-files-');
    for (const l of ['upper', 'l1', 'l2']) fs.mkdirSync(path.join(dir, l, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'l2', 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\nweb:x:33:33::/:/bin/false\n');
    fs.writeFileSync(path.join(dir, 'l1', 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\nweb:x:44:44::/:/bin/false\n');
    fs.writeFileSync(path.join(dir, 'l2', 'etc', 'group'), 'web:x:33:\n');
  });
  afterAll(() => removeTree(dir));
  const overlay = () => [{ type: 'overlay', source: 'overlay', options: [`upperdir=${dir}/upper`, `lowerdir=${dir}/l1:${dir}/l2`, `workdir=${dir}/w`] }];

  test('the topmost layer with the file wins; a bind mount reads its source', () => {
    expect(rootfsUserDb(overlay()).passwd().find((e) => e.name === 'web')?.uid).toBe(44);
    expect(readRootfsFile(overlay(), 'etc/group')?.toString()).toBe('web:x:33:\n');
    expect(readRootfsFile([{ type: 'bind', source: path.join(dir, 'l2'), options: ['ro', 'rbind'] }], '/etc/passwd')?.toString()).toContain('web:x:33');
    expect(readRootfsFile(overlay(), 'etc/shadow')).toBeUndefined();
  });

  test('a whiteout hides the file below it', () => {
    const wh = path.join(dir, 'upper', 'etc', 'group');
    require('node:child_process').execFileSync('mknod', [wh, 'c', '0', '0']);
    expect(readRootfsFile(overlay(), 'etc/group')).toBeUndefined();
    fs.rmSync(wh);
  });
});

describe('flags', () => {
  test('--mount as ctr writes it', () => {
    expect(parseMount('type=bind,src=/tmp,dst=/host,options=rbind:ro')).toEqual({ type: 'bind', source: '/tmp', destination: '/host', options: ['rbind', 'ro'] });
    expect(parseMount('type=tmpfs,destination=/scratch')).toEqual({ type: 'tmpfs', source: 'tmpfs', destination: '/scratch', options: [] });
    expect(() => parseMount('type=bind,src=/a,dst=/b,size=1')).toThrow(/unknown key "size"/);
    expect(() => parseMount('dst=/b')).toThrow(/type is required/);
  });

  test('container options are checked as a whole', () => {
    const base = { env: undefined, cwd: undefined, user: undefined, mount: undefined, 'memory-limit': undefined, cpus: undefined, 'runc-binary': undefined, label: undefined, snapshotter: 'overlayfs', tty: false, privileged: false, 'net-host': false, 'cap-add': undefined, 'cap-drop': undefined, device: undefined, 'read-only': false, 'allow-new-privs': false, annotation: undefined, rootfs: false, 'with-ns': undefined, 'env-file': undefined };
    expect(containerOptions({ ...base, env: ['A=1'], 'memory-limit': '1048576', cpus: '2', label: 'k=v' }, 'img', 'id', ['sh'])).toMatchObject({ env: ['A=1'], memoryLimit: 1048576, cpus: 2, labels: { k: 'v' }, args: ['sh'] });
    expect(() => containerOptions({ ...base, cwd: 'rel' }, 'img', 'id', [])).toThrow(/invalid --cwd "rel"/);
    expect(() => containerOptions({ ...base, cpus: 'many' }, 'img', 'id', [])).toThrow(/invalid --cpus "many"/);
    expect(containerOptions({ ...base, 'cap-add': ['CAP_SYS_ADMIN'], 'cap-drop': 'CAP_KILL', annotation: 'a=b' }, 'img', 'id', [])).toMatchObject({ capAdd: ['CAP_SYS_ADMIN'], capDrop: ['CAP_KILL'], annotations: { a: 'b' } });
    expect(() => containerOptions({ ...base, 'cap-add': 'SYS_ADMIN' }, 'img', 'id', [])).toThrow(/must be specified with 'CAP_' prefix/);
    expect(() => containerOptions({ ...base, 'cap-drop': 'CAP_NOPE' }, 'img', 'id', [])).toThrow(/unknown capability/);
    expect(containerOptions({ ...base, rootfs: true }, '/', 'id', ['sh'])).toMatchObject({ rootfsPath: '/' });
    expect(containerOptions({ ...base, 'with-ns': 'network:/run/netns/x' }, 'img', 'id', [])).toMatchObject({ joinNamespaces: [{ type: 'network', path: '/run/netns/x' }] });
    expect(() => containerOptions({ ...base, 'with-ns': 'net:/run/netns/x' }, 'img', 'id', [])).toThrow(/unknown namespace type "net"/);
    expect(() => containerOptions({ ...base, 'with-ns': 'network' }, 'img', 'id', [])).toThrow(/want TYPE:\/absolute\/path/);
    const envFile = path.join(tempDir('env-file-'), 'env');
    fs.writeFileSync(envFile, 'A=1\n\nB=two words\r\n');
    expect(containerOptions({ ...base, 'env-file': envFile }, 'img', 'id', [])).toMatchObject({ envFile: ['A=1', 'B=two words'] });
    fs.writeFileSync(envFile, 'A=1\nnot-a-var\n');
    expect(() => containerOptions({ ...base, 'env-file': envFile }, 'img', 'id', [])).toThrow(/line 2 "not-a-var": want KEY=VALUE/);
    removeTree(path.dirname(envFile));
    expect(() => containerOptions({ ...base, rootfs: true }, '/nonexistent-rootfs', 'id', ['sh'])).toThrow(/invalid --rootfs "\/nonexistent-rootfs": not a directory/);
  });

  test('--privileged, --cap-add/--cap-drop, --device, --net-host on the spec', () => {
    const s = defaultSpec('ns1', 'c1');
    withPrivileged(s);
    expect(s.process.capabilities?.bounding).toContain('CAP_SYS_ADMIN');
    expect(s.linux.maskedPaths).toBeUndefined();
    expect(s.linux.resources.devices).toEqual([{ allow: true, access: 'rwm' }]);
    expect(s.linux.devices).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/dev/null', type: 'c', major: 1, minor: 3 })]));
    expect(s.mounts.find((m) => m.destination === '/sys')?.options).toEqual(['nosuid', 'noexec', 'nodev', 'rw']);
    const t = defaultSpec('ns1', 'c1');
    withAddedCapabilities(t, ['CAP_SYS_ADMIN']);
    withDroppedCapabilities(t, ['CAP_KILL']);
    expect(t.process.capabilities?.effective).toContain('CAP_SYS_ADMIN');
    expect(t.process.capabilities?.bounding).not.toContain('CAP_KILL');
    withDevices(t, '/dev/zero');
    expect(t.linux.devices).toEqual([expect.objectContaining({ path: '/dev/zero', type: 'c', major: 1, minor: 5 })]);
    expect(t.linux.resources.devices?.at(-1)).toEqual({ allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' });
    expect(() => withDevices(t, '/etc/hostname')).toThrow(/not a device node/);
    withHostNetwork(t);
    expect(t.linux.namespaces.map((n) => n.type)).not.toContain('network');
    expect(t.mounts.filter((m) => m.destination === '/etc/hosts' || m.destination === '/etc/resolv.conf')).toHaveLength(2);
  });

  test('images mount: mount(8) arguments, and counting the mounts on a target', () => {
    expect(mountArgs({ type: 'overlay', source: 'overlay', options: ['index=off', 'lowerdir=/a:/b'] }, '/mnt')).toEqual(['-t', 'overlay', '-o', 'index=off,lowerdir=/a:/b', '--', 'overlay', '/mnt']);
    expect(mountArgs({ type: 'bind', source: '/s/fs', options: ['ro', 'rbind'] }, '/mnt')).toEqual(['-o', 'ro,rbind', '--', '/s/fs', '/mnt']);
    expect(mountArgs({ type: 'bind', source: '/s/fs', options: ['ro'] }, '/mnt')).toEqual(['-o', 'bind,ro', '--', '/s/fs', '/mnt']);
    const info = '36 35 0:30 / /mnt\\0403 rw - overlay overlay rw\n37 36 0:31 / /mnt\\0403 rw - overlay overlay rw\n38 35 0:32 / /other rw - tmpfs tmpfs rw\n';
    expect(mountsOn('/mnt 3', info)).toBe(2);
    expect(mountsOn('/nowhere', info)).toBe(0);
  });

  test('content ls sizes and ages in go-units\' words', () => {
    expect([405, 1_056_000, 1000, 999_999, 1_500_000_000].map(humanSize)).toEqual(['405B', '1.056MB', '1kB', '1000kB', '1.5GB']);
    expect([500, 1000, 59_000, 60_000, 120_000, 3_600_000, 5 * 3_600_000, 3 * 86_400_000, 20 * 86_400_000, 90 * 86_400_000, 800 * 86_400_000].map(humanDuration)).toEqual([
      'Less than a second', '1 second', '59 seconds', 'About a minute', '2 minutes', 'About an hour', '5 hours', '3 days', '2 weeks', '3 months', '2 years',
    ]);
  });

  test('oci spec: containerd\'s GenerateSpec with no options', () => {
    const g = generatedSpec('default');
    expect(g.linux.cgroupsPath).toBe('/default');
    expect(g.linux.resources.devices).toEqual([{ allow: false, access: 'rwm' }]);
    expect(Object.keys(g.process)).not.toContain('args');
  });

  test('signals and log URIs', () => {
    expect([parseSignal('SIGTERM'), parseSignal('term'), parseSignal('9'), parseSignal('KILL')]).toEqual([15, 15, 9, 9]);
    expect(() => parseSignal('0')).toThrow(/invalid signal/);
    expect(checkLogUri('/var/log/x')).toBe('file:///var/log/x');
    expect(checkLogUri('jsonlog:///l/c.log?max-size=1m')).toBe('jsonlog:///l/c.log?max-size=1m');
    expect(() => checkLogUri('jsonlog://relative/x')).toThrow(/absolute path/);
    expect(taskStdio(undefined)).toEqual({ stdin: 'attach:', stdout: '', stderr: '' });
    expect(taskStdio('file:///x')).toEqual({ stdin: '', stdout: 'file:///x', stderr: 'file:///x' });
  });

  test('the container\'s command line starts after IMAGE ID (or CONTAINER), options and all', () => {
    expect(splitCommandTail(['-n', 'x', 'run', '--rm', '--env', 'A=1', '-t', 'img', 'id', 'sh', '-c', 'echo --rm'])).toEqual(['-n', 'x', 'run', '--rm', '--env', 'A=1', '-t', 'img', 'id']);
    expect(commandTail()).toEqual(['sh', '-c', 'echo --rm']);
    expect(splitCommandTail(['c', 'create', 'img', 'id', '--', 'ls', '-l'])).toEqual(['c', 'create', 'img', 'id']);
    expect(commandTail()).toEqual(['ls', '-l']);
    expect(splitCommandTail(['tasks', 'exec', '--exec-id', 'e', 'id', 'ls', '-t'])).toEqual(['tasks', 'exec', '--exec-id', 'e', 'id']);
    expect(commandTail()).toEqual(['ls', '-t']);
    expect(splitCommandTail(['tasks', 'ls', '-q'])).toEqual(['tasks', 'ls', '-q']);
  });
});
