// Pure logic of issue 14's validation and settings lists, no daemons: platforms, Go integers, the
// reference grammar, --volumes-from, links, devices, propagation, --group-add, namespace modes and
// the OCI spec they make. The expected values are what Debian's dockerd 20.10 answered or wrote.
import { checkHostConfigIntegers, fitsGoInteger } from '../src/daemon/containers/go-integers.js';
import { formatPlatform, HOST_ARCH, parsePlatform, platformMatches } from '../src/daemon/images/platform.js';
import { normalizedName, parseReference, splitRepositoryTag } from '../src/common/reference.js';
import { parseNewName } from '../src/daemon/images/image-store.js';
import { mountsFrom, parseVolumesFrom } from '../src/daemon/containers/volumes-from.js';
import { checkLinks, linkEnv, parseLink } from '../src/daemon/containers/links.js';
import { parseDeviceSpec } from '../src/common/device-spec.js';
import { checkDeviceMapping, containerDevices, parseCgroupRule } from '../src/oci/devices.js';
import { parseBind, settlePropagation } from '../src/daemon/containers/binds.js';
import { resolveUser } from '../src/oci/user.js';
import { checkNamespaceModes, planNamespaces } from '../src/daemon/containers/namespace-modes.js';
import { hostConfigView } from '../src/daemon/containers/host-config-view.js';
import { validateHostConfig } from '../src/daemon/containers/create-config.js';
import { buildSpec, MASKED_PATHS } from '../src/oci/spec-builder.js';
import { ApiError } from '../src/daemon/http/api-error.js';
import { ZERO_TIME, type ContainerRecord, type HostConfig } from '../src/daemon/state/container-record.js';

function status(fn: () => unknown): { status: number; message: string } | undefined {
  try {
    fn();
  } catch (err) {
    return { status: err instanceof ApiError ? err.status : -1, message: (err as Error).message };
  }
  return undefined;
}

function container(id: string, host: Partial<HostConfig> = {}, extra: Partial<ContainerRecord> = {}): ContainerRecord {
  return {
    ID: id,
    Name: `/${id}`,
    Created: ZERO_TIME,
    Path: 'sleep',
    Args: ['1'],
    Config: { Hostname: id.slice(0, 12), Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false, Tty: false, OpenStdin: false, StdinOnce: false, Env: ['PATH=/bin', 'A=1'], Cmd: ['sleep', '1'], Image: 'busybox', Volumes: {}, WorkingDir: '', Entrypoint: null, Labels: {}, StopSignal: 'SIGTERM' },
    HostConfig: { ...validateHostConfig({ NetworkMode: 'none' }), ...host },
    Image: 'sha256:0',
    State: { Status: 'created', Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME, OOMKilled: false },
    RestartCount: 0,
    HasBeenStartedBefore: false,
    HasBeenManuallyStopped: false,
    Mounts: [],
    LogPath: '',
    ResolvConfPath: '',
    HostnamePath: '',
    HostsPath: '',
    ...extra,
  } as ContainerRecord;
}

const spec = (c: ContainerRecord, extra: Partial<Parameters<typeof buildSpec>[0]> = {}) =>
  buildSpec({ container: c, user: { uid: 0, gid: 0, additionalGids: [0], home: '/root' }, mounts: c.Mounts, netns: undefined, cgroupParent: '/t', arch: 'amd64', defaultUlimits: [], cgroupV2: false, ...extra });

test('platforms are parsed as containerd parses them, with its messages', () => {
  expect(parsePlatform('linux')).toEqual({ os: 'linux', architecture: HOST_ARCH });
  expect(formatPlatform(parsePlatform('linux/arm/v6'))).toBe('linux/arm/v6');
  expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64' });
  expect(parsePlatform('linux/armhf')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
  expect(parsePlatform('amd64')).toEqual({ os: 'linux', architecture: 'amd64' });
  expect(parsePlatform('linux/x86_64')).toEqual({ os: 'linux', architecture: 'amd64' });
  expect(() => parsePlatform('bogus')).toThrow('"bogus": unknown operating system or architecture: invalid argument');
  expect(() => parsePlatform('linux/x:y')).toThrow('"x:y" is an invalid component of "linux/x:y": platform specifier component must match "^[A-Za-z0-9_-]+$": invalid argument');
  expect(() => parsePlatform('a/b/c/d')).toThrow('"a/b/c/d": cannot parse platform specifier: invalid argument');
  expect(platformMatches(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' })).toBe(true);
  expect(platformMatches(parsePlatform('linux/arm64'), { os: 'linux', architecture: 'amd64' })).toBe(false);
  expect(platformMatches(parsePlatform('windows/amd64'), { os: 'linux', architecture: 'amd64' })).toBe(false);
});

test('HostConfig integers Go would not decode are refused with dockerd 20.10 error and status', () => {
  expect(fitsGoInteger('9223372036854775807', 'int64')).toBe(true);
  expect(fitsGoInteger('9223372036854775808', 'int64')).toBe(false);
  expect(fitsGoInteger('1e30', 'int64')).toBe(false);
  expect(fitsGoInteger('1.5', 'int64')).toBe(false);
  expect(fitsGoInteger('70000', 'uint16')).toBe(false);
  expect(fitsGoInteger('-1', 'uint16')).toBe(false);
  const body = '{"HostConfig":{"Memory":1e30}}';
  expect(status(() => checkHostConfigIntegers({ Memory: 1e30 }, body))).toEqual({ status: 500, message: 'json: cannot unmarshal number 1e30 into Go struct field HostConfig.HostConfig.Memory of type int64' });
  expect(status(() => checkHostConfigIntegers({ KernelMemory: 5, Memory: 1.5e9 }, '{"KernelMemory": 5, "Memory": 1.5e9}'))?.message).toBe('json: cannot unmarshal number 1.5e9 into Go struct field HostConfig.HostConfig.Memory of type int64');
  expect(status(() => checkHostConfigIntegers({ BlkioWeight: 70000 }, '{"BlkioWeight":70000}'))?.message).toMatch(/of type uint16$/);
  expect(status(() => checkHostConfigIntegers({ Memory: 6291456, PidsLimit: -1 }, '{"Memory":6291456,"PidsLimit":-1}'))).toBeUndefined();
});

test("one reference parser with docker's grammar and messages", () => {
  expect(() => parseReference('UPPER/case')).toThrow('invalid reference format: repository name must be lowercase');
  expect(normalizedName('Foo.com/x')).toBe('Foo.com/x:latest');
  expect(() => parseReference('a___b')).toThrow(/^invalid reference format$/);
  expect(() => parseReference('x@sha256:abc')).toThrow(/^invalid reference format$/);
  expect(() => parseReference(`x@sha256:${'a'.repeat(40)}`)).toThrow('invalid checksum digest length');
  expect(() => parseReference('0'.repeat(64))).toThrow('cannot specify 64-byte hexadecimal strings');
  expect(() => parseReference('')).toThrow(/^invalid reference format$/);
  expect(normalizedName('a__b/c-d.e')).toBe('docker.io/a__b/c-d.e:latest');
  expect(normalizedName('localhost:5000/x')).toBe('localhost:5000/x:latest');
  expect(splitRepositoryTag('localhost:5000/x')).toEqual({ repository: 'localhost:5000/x', tag: '' });
  expect(splitRepositoryTag('a/b:v1')).toEqual({ repository: 'a/b', tag: 'v1' });
  expect(status(() => parseNewName('sha256:x', undefined))).toEqual({ status: 400, message: 'refusing to create an ambiguous tag using digest algorithm as name' });
  expect(status(() => parseNewName('sha256', undefined))?.status).toBe(400);
  expect(status(() => parseNewName('UPPER/case', undefined))).toEqual({ status: 500, message: 'invalid reference format: repository name must be lowercase' });
  expect(status(() => parseNewName('ok', 'a:b'))).toEqual({ status: 500, message: 'invalid tag format' });
  expect(status(() => parseNewName(`x@sha256:${'a'.repeat(64)}`, undefined))).toEqual({ status: 400, message: 'refusing to create a tag with a digest reference' });
  expect(parseNewName('busybox', 'UP')).toBe('docker.io/library/busybox:UP');
  expect(parseNewName('x/sha256', undefined)).toBe('docker.io/x/sha256:latest');
});

test('--volumes-from copies volumes and binds with the asked mode', () => {
  expect(status(() => parseVolumesFrom(''))?.message).toBe('volumes-from specification cannot be an empty string');
  expect(status(() => parseVolumesFrom('a:bad'))?.message).toBe('invalid mode: bad');
  const src = container('src', {}, {
    Mounts: [
      { Type: 'volume', Name: 'v', Source: '/v', Destination: '/data', Driver: 'local', Mode: '', RW: true, Propagation: '', Anonymous: true },
      { Type: 'bind', Source: '/tmp', Destination: '/t', Mode: 'ro', RW: false, Propagation: 'rprivate' },
      { Type: 'tmpfs', Source: '', Destination: '/run', Mode: '', RW: true, Propagation: '' },
    ],
  });
  const find = (r: string) => (r === 'src' ? src : undefined);
  const rw = mountsFrom(['src'], find);
  expect(rw.map((m) => [m.Destination, m.RW, m.Anonymous])).toEqual([
    ['/data', true, undefined],
    ['/t', false, undefined],
  ]);
  expect(mountsFrom(['src:ro'], find).every((m) => !m.RW)).toBe(true);
  expect(status(() => mountsFrom(['nope'], find))).toEqual({ status: 400, message: 'No such container: nope' });
});

test('links: format, checks and the variables dockerd 20.10 wrote', () => {
  expect(parseLink('/web:db')).toEqual({ name: 'web', alias: 'db' });
  expect(parseLink('web')).toEqual({ name: 'web', alias: 'web' });
  expect(status(() => parseLink('a:b:c'))).toEqual({ status: 500, message: 'bad format for links: a:b:c' });
  expect(status(() => parseLink(''))).toEqual({ status: 500, message: 'empty string specified for links' });
  expect(status(() => checkLinks(['nope:x'], 'bridge', () => undefined))).toEqual({ status: 400, message: 'could not get container for nope: No such container: nope' });
  expect(status(() => checkLinks(['a'], 'host', () => undefined))?.message).toBe("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
  // docker run --link web:db, web with --expose 80 --expose 81 --expose 53/udp -e FOO=bar (dockerd 20.10, sorted)
  const env = linkEnv({ alias: 'db', parentName: 'kind', ip: '172.17.0.2', exposed: ['80/tcp', '81/tcp', '53/udp'], env: ['PATH=/bin', 'FOO=bar', 'HOME=/root'] });
  expect([...new Set(env)].sort()).toEqual(
    [
      'DB_ENV_FOO=bar',
      'DB_NAME=/kind/db',
      'DB_PORT=udp://172.17.0.2:53',
      'DB_PORT_53_UDP=udp://172.17.0.2:53',
      'DB_PORT_53_UDP_ADDR=172.17.0.2',
      'DB_PORT_53_UDP_PORT=53',
      'DB_PORT_53_UDP_PROTO=udp',
      'DB_PORT_80_TCP=tcp://172.17.0.2:80',
      'DB_PORT_80_TCP_ADDR=172.17.0.2',
      'DB_PORT_80_TCP_PORT=80',
      'DB_PORT_80_TCP_PROTO=tcp',
      'DB_PORT_81_TCP=tcp://172.17.0.2:81',
      'DB_PORT_81_TCP_ADDR=172.17.0.2',
      'DB_PORT_81_TCP_PORT=81',
      'DB_PORT_81_TCP_PROTO=tcp',
    ].sort(),
  );
  // --expose 7000-7002: a run of three is also written as a range
  const range = linkEnv({ alias: 'w', parentName: 'p', ip: '10.0.0.2', exposed: ['7002/tcp', '7000/tcp', '7001/tcp'], env: [] });
  expect(range).toEqual(expect.arrayContaining(['W_PORT_7000_TCP_START=tcp://10.0.0.2:7000', 'W_PORT_7000_TCP_PORT_START=7000', 'W_PORT_7000_TCP_END=tcp://10.0.0.2:7002', 'W_PORT_7000_TCP_PORT_END=7002', 'W_PORT=tcp://10.0.0.2:7000']));
});

test('devices: the CLI syntax, API mappings, cgroup rules, resolution on the host', () => {
  expect(parseDeviceSpec('/dev/null')).toEqual({ PathOnHost: '/dev/null', PathInContainer: '/dev/null', CgroupPermissions: 'rwm' });
  expect(parseDeviceSpec('/dev/null:r')).toEqual({ PathOnHost: '/dev/null', PathInContainer: '/dev/null', CgroupPermissions: 'r' });
  expect(parseDeviceSpec('/dev/null:/dev/x:rw')).toEqual({ PathOnHost: '/dev/null', PathInContainer: '/dev/x', CgroupPermissions: 'rw' });
  expect(() => parseDeviceSpec('/dev/null:/dev/x:rwz')).toThrow('bad mode specified: rwz');
  expect(status(() => checkDeviceMapping({ PathOnHost: '/dev/null', PathInContainer: 'x' }))?.status).toBe(400);
  expect(parseCgroupRule('c 1:3 rwm')).toEqual({ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' });
  expect(parseCgroupRule('b *:* m')).toEqual({ allow: true, type: 'b', major: -1, minor: -1, access: 'm' });
  expect(status(() => parseCgroupRule('x 1:3 rwm'))?.message).toBe("invalid device cgroup format 'x 1:3 rwm'");
  const d = containerDevices({ Privileged: false, Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/mynull', CgroupPermissions: 'r' }], DeviceCgroupRules: ['c 10:200 rwm'] });
  expect(d.devices).toEqual([expect.objectContaining({ path: '/dev/mynull', type: 'c', major: 1, minor: 3 })]);
  expect(d.rules).toEqual([
    { allow: true, type: 'c', major: 1, minor: 3, access: 'r' },
    { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' },
  ]);
  expect(status(() => containerDevices({ Privileged: false, Devices: [{ PathOnHost: '/dev/nope', PathInContainer: '/dev/x', CgroupPermissions: 'rwm' }] }))).toEqual({ status: 500, message: 'error gathering device information while adding custom device "/dev/nope": no such file or directory' });
  const all = containerDevices({ Privileged: true });
  expect(all.devices.some((x) => x.path === '/dev/null')).toBe(true);
  expect(all.devices.some((x) => x.path.startsWith('/dev/pts/'))).toBe(false);
});

test("bind propagation: rslave for binds holding the daemon's root, dockerd's refusal otherwise", () => {
  const planned = [parseBind('/tmp:/t'), parseBind('/etc:/e'), parseBind('/tmp:/t2:rshared')];
  settlePropagation(planned, '/tmp/x/data');
  expect(planned.map((m) => m.propagation)).toEqual(['rslave', 'rprivate', 'rshared']);
  expect(status(() => settlePropagation([parseBind('/tmp:/t:private')], '/tmp/x/data'))?.message).toBe(
    'invalid mount config: must use either propagation mode "rslave" or "rshared" when mount source is within the daemon root, daemon root: "/tmp/x/data", bind mount source: "/tmp", propagation: "private"',
  );
});

test('--group-add: supplementary groups start with the primary one, as dockerd sets them', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n';
  const group = 'root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n';
  expect(resolveUser('', passwd, group).additionalGids).toEqual([0]);
  expect(resolveUser('1000', passwd, group, ['5', 'nogroup']).additionalGids).toEqual([0, 5, 65534]);
  expect(resolveUser('1000:1000', passwd, group, ['5']).additionalGids).toEqual([1000, 5]);
  expect(status(() => resolveUser('', passwd, group, ['nosuch']))).toEqual({ status: 500, message: 'Unable to find group nosuch: no matching entries in group file' });
});

test('--ipc, --pid and --uts modes: create checks and what a start joins', () => {
  const donor = container('d'.repeat(64), { IpcMode: 'shareable' }, { State: { Status: 'running', Pid: 4242, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME, OOMKilled: false } });
  const priv = container('e'.repeat(64), { IpcMode: 'private' }, { State: { Status: 'running', Pid: 4343, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME, OOMKilled: false } });
  const stopped = container('f'.repeat(64), { IpcMode: 'shareable' });
  const find = (r: string) => [donor, priv, stopped].find((c) => c.Name === `/${r}` || c.ID === r);
  expect(checkNamespaceModes({}, find)).toEqual({ IpcMode: 'private', PidMode: '', UTSMode: '' });
  expect(status(() => checkNamespaceModes({ IpcMode: 'bogus' }, find))?.message).toBe('Invalid IPC mode: bogus');
  expect(status(() => checkNamespaceModes({ PidMode: 'container:nope' }, find))).toEqual({ status: 400, message: 'No such container: nope' });
  const shm = (id: string) => `/data/${id}/mounts/shm`;
  const joiner = container('a'.repeat(64), { IpcMode: `container:${donor.ID}`, PidMode: `container:${donor.ID}` });
  expect(planNamespaces(joiner, find, shm)).toEqual({ ipc: '/proc/4242/ns/ipc', pid: '/proc/4242/ns/pid', uts: undefined, shm: { kind: 'bind', source: shm(donor.ID) } });
  expect(status(() => planNamespaces(container('b'.repeat(64), { IpcMode: `container:${priv.ID}` }), find, shm))?.message).toBe(`can't join IPC of container ${priv.ID}: non-shareable IPC (hint: use IpcMode:shareable for the donor container)`);
  expect(status(() => planNamespaces(container('b'.repeat(64), { PidMode: `container:${stopped.ID}` }), find, shm))?.message).toBe(`container ${stopped.ID} is not running`);
  const host = container('c'.repeat(64), { IpcMode: 'host', PidMode: 'host', UTSMode: 'host' });
  const s = spec(host, { namespaces: planNamespaces(host, find, shm) });
  expect(s.linux.namespaces.map((n) => n.type)).toEqual(['mount', 'network']);
  expect(s.hostname).toBeUndefined();
  expect(s.mounts.find((m) => m.destination === '/dev/shm')).toEqual({ destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] });
  const none = container('c'.repeat(64), { IpcMode: 'none' });
  expect(spec(none, { namespaces: planNamespaces(none, find, shm) }).mounts.some((m) => m.destination === '/dev/shm')).toBe(false);
});

test("the spec: dockerd's default sysctls, --domainname, devices, privileged paths; inspect's HostConfig", () => {
  const c = container('a'.repeat(64), { Sysctls: { 'net.ipv4.ping_group_range': '1 1' } });
  c.Config.Domainname = 'example.org';
  const s = spec(c, { devices: { devices: [{ path: '/dev/x', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 }], rules: [{ allow: true, type: 'c', major: 1, minor: 3, access: 'r' }] } });
  expect(s.linux.sysctl).toEqual({ 'net.ipv4.ip_unprivileged_port_start': '0', 'net.ipv4.ping_group_range': '1 1', 'kernel.domainname': 'example.org' });
  expect(s.linux.devices).toEqual([expect.objectContaining({ path: '/dev/x' })]);
  expect(s.linux.resources.devices?.at(-1)).toEqual({ allow: true, type: 'c', major: 1, minor: 3, access: 'r' });
  expect(s.linux.maskedPaths).toEqual(MASKED_PATHS);
  expect(spec(c, { netns: null }).linux.sysctl).toEqual({ 'net.ipv4.ping_group_range': '1 1', 'kernel.domainname': 'example.org' });
  const priv = container('b'.repeat(64), validateHostConfig({ Privileged: true, NetworkMode: 'none' }));
  expect(priv.HostConfig.MaskedPaths).toBeNull();
  expect(spec(priv).linux.maskedPaths).toBeUndefined();
  const view = hostConfigView(c.HostConfig);
  expect(view).toMatchObject({ IpcMode: 'private', ShmSize: 67108864, MaskedPaths: MASKED_PATHS, Devices: null, GroupAdd: null, Links: null, PidMode: '', Runtime: 'runc' });
  expect('Init' in view).toBe(false);
});

test('HostConfig fields this engine does not implement are refused, not ignored', () => {
  expect(status(() => validateHostConfig({ Runtime: 'kata' }))).toEqual({ status: 400, message: 'Unknown runtime specified kata' });
  expect(status(() => validateHostConfig({ DeviceRequests: [{ Count: -1, Capabilities: [['gpu']] }] }))).toEqual({ status: 500, message: 'could not select device driver "" with capabilities: [[gpu]]' });
  expect(status(() => validateHostConfig({ UsernsMode: 'private' }))?.status).toBe(400);
  expect(status(() => validateHostConfig({ BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: 1 }] }))?.message).toBe('BlkioDeviceReadBps is not supported by this engine');
  expect(status(() => validateHostConfig({ MemorySwappiness: 101 }))?.message).toBe('Invalid value: 101, valid memory swappiness range is 0-100');
  // What docker's client sends when no flag is given is no setting.
  expect(() => validateHostConfig({ Runtime: '', Isolation: '', UsernsMode: '', CgroupnsMode: '', Cgroup: '', BlkioWeightDevice: [], DeviceRequests: null, KernelMemory: 0, CpuCount: 0, MemorySwappiness: -1 })).not.toThrow();
  const c = container('a'.repeat(64), validateHostConfig({ NetworkMode: 'none', MemorySwappiness: 10, CpusetMems: '0', CgroupnsMode: 'private' }));
  const s = spec(c);
  expect(s.linux.resources.memory?.swappiness).toBe(10);
  expect(s.linux.resources.cpu?.mems).toBe('0');
  expect(s.linux.namespaces.map((n) => n.type)).toContain('cgroup');
});
