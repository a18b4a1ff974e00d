// The Linux security context of CRI containers, checked from inside real containers (/proc/self/status,
// id, mounts, writes): users and groups (numeric, by name from the image's /etc/passwd and /etc/group,
// the image's USER), supplemental groups, capabilities add/drop with ALL, no_new_privs, read-only rootfs,
// masked and read-only paths, seccomp RuntimeDefault/Unconfined/Localhost, pod sysctls, PID namespace
// modes, privileged containers in privileged pods; and what is refused.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pushOciLayout, writeOciImage } from '@stack/tools';
import { Code } from '@stack/proto';
import { NamespaceMode, SecurityProfile_ProfileType } from '@stack/proto/gen/runtime/v1/api_pb';
import { callError } from './cri-client.js';
import { startCriFixture, type CriFixture } from './support/cri-fixture.js';

jest.setTimeout(180_000);

const STATUS = 'grep -E "^(Uid|Gid|Groups|CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status';
/** What the test (and so the daemon it started) holds: what ALL and privileged mean. */
const ownCaps = () => BigInt(`0x${/^CapEff:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0'}`);
/** Default capabilities (containerd's 14) as /proc shows them. */
const DEFAULT_CAPS = '00000000a80425fb';

describe('CRI container security context', () => {
  let f: CriFixture;
  let usersRef: string;
  let pod: string;
  let cfg: ReturnType<CriFixture['sandboxConfig']>;
  let n = 0;

  beforeAll(async () => {
    f = await startCriFixture('cri-sec-', { bridge: 'crisec1', subnet: '10.125.10.0/24' });
    const bin = ['sh', 'cat', 'grep', 'id', 'mkdir', 'touch', 'ls', 'echo', 'ps', 'mount', 'sleep', 'wc', 'head'];
    const img = await writeOciImage({
      outDir: path.join(f.dir, 'users'),
      layers: [
        {
          entries: [
            { path: 'bin', type: 'dir', mode: 0o755 },
            { path: 'bin/busybox', type: 'file', source: '/bin/busybox', mode: 0o755 },
            ...bin.map((b) => ({ path: `bin/${b}`, type: 'symlink' as const, linkname: 'busybox' })),
            { path: 'etc', type: 'dir', mode: 0o755 },
            { path: 'tmp', type: 'dir', mode: 0o1777 },
            { path: 'etc/passwd', type: 'file', content: 'root:x:0:0:root:/root:/bin/sh\napp:x:1234:1235:app:/tmp:/bin/sh\n' },
            { path: 'etc/group', type: 'file', content: 'root:x:0:\napp:x:1235:\nextra:x:3000:app,other\nnotmine:x:3001:other\n' },
          ],
        },
      ],
      config: { cmd: ['sh'], user: 'app' },
    });
    await pushOciLayout(f.registry, img.layoutDir, 'test/users:1');
    usersRef = `${f.registry.host}/test/users:1`;
    await f.cri.images.pullImage({ image: { image: usersRef } });
    cfg = f.sandboxConfig('sec');
    pod = (await f.cri.runtime.runPodSandbox({ config: cfg })).podSandboxId;
  });
  afterAll(async () => {
    await f?.teardown();
  });

  /** Runs a shell script to its end in a new container of `sandbox`; its stdout and stderr lines. */
  async function run(script: string, linux: object = {}, opts: { image?: string; sandbox?: string; sandboxCfg?: object } = {}): Promise<string> {
    const name = `c${n++}`;
    const config = { ...f.container(name, ['sh', '-c', script]), linux, ...(opts.image ? { image: { image: opts.image, annotations: {} } } : {}) };
    const { containerId } = await f.cri.runtime.createContainer({ podSandboxId: opts.sandbox ?? pod, config, sandboxConfig: opts.sandboxCfg ?? cfg });
    await f.cri.runtime.startContainer({ containerId });
    await f.exited(containerId);
    const dirName = ((opts.sandboxCfg ?? cfg) as { metadata: { name: string } }).metadata.name;
    const out = fs
      .readFileSync(path.join(f.dir, 'logs', dirName, `${name}.log`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ').slice(3).join(' '))
      .join('\n');
    await f.cri.runtime.removeContainer({ containerId });
    return out;
  }
  const field = (out: string, key: string) => new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(out)?.[1]?.trim().split(/\s+/).join(' ');
  const create = (linux: object, image?: string) =>
    callError(f.cri.runtime.createContainer({ podSandboxId: pod, config: { ...f.container(`bad${n++}`, ['true']), linux, ...(image ? { image: { image, annotations: {} } } : {}) }, sandboxConfig: cfg }));

  test('defaults: root, the default capabilities, no no_new_privs, no seccomp (containerd: unconfined unless asked)', async () => {
    const out = await run(STATUS);
    expect(field(out, 'Uid')).toBe('0 0 0 0');
    expect(field(out, 'CapEff')).toBe(DEFAULT_CAPS);
    expect(field(out, 'CapBnd')).toBe(DEFAULT_CAPS);
    expect(field(out, 'NoNewPrivs')).toBe('0');
    expect(field(out, 'Seccomp')).toBe('0');
  });

  test('users and groups: numeric, by name, the image USER, supplemental groups', async () => {
    const numeric = await run(STATUS, { securityContext: { runAsUser: { value: 1000n } } });
    expect([field(numeric, 'Uid'), field(numeric, 'Gid')]).toEqual(['1000 1000 1000 1000', '1000 1000 1000 1000']);
    const unknown = await run(STATUS, { securityContext: { runAsUser: { value: 4242n }, runAsGroup: { value: 77n } } });
    expect([field(unknown, 'Uid'), field(unknown, 'Gid')]).toEqual(['4242 4242 4242 4242', '77 77 77 77']);
    const named = await run(STATUS, { securityContext: { runAsUsername: 'app', supplementalGroups: [5000n] } }, { image: usersRef });
    expect([field(named, 'Uid'), field(named, 'Gid'), field(named, 'Groups')]).toEqual(['1234 1234 1234 1234', '1235 1235 1235 1235', '3000 5000']);
    const imageUser = await run(STATUS, {}, { image: usersRef });
    expect([field(imageUser, 'Uid'), field(imageUser, 'Groups')]).toEqual(['1234 1234 1234 1234', '3000']);
    // A non-root user keeps no effective capabilities (the kernel clears them at setuid).
    expect(field(imageUser, 'CapEff')).toBe('0000000000000000');
    expect(await create({ securityContext: { runAsUsername: 'ghost' } }, usersRef)).toMatchObject({ code: Code.INVALID_ARGUMENT, message: expect.stringContaining('no user "ghost" in the image\'s /etc/passwd') });
    expect(await create({ securityContext: { runAsGroup: { value: 5n } } })).toMatchObject({ code: Code.INVALID_ARGUMENT, message: expect.stringContaining('run_as_group is set without run_as_user') });
  });

  test('capabilities: drop ALL then add; add ALL then drop; unknown refused', async () => {
    const one = await run(STATUS, { securityContext: { capabilities: { dropCapabilities: ['ALL'], addCapabilities: ['NET_ADMIN'], addAmbientCapabilities: [] } } });
    expect(field(one, 'CapEff')).toBe((1n << 12n).toString(16).padStart(16, '0'));
    const all = ownCaps();
    const most = await run(STATUS, { securityContext: { capabilities: { addCapabilities: ['all'], dropCapabilities: ['CAP_CHOWN'], addAmbientCapabilities: [] } } });
    expect(field(most, 'CapEff')).toBe((all & ~1n).toString(16).padStart(16, '0'));
    expect(await create({ securityContext: { capabilities: { addCapabilities: ['FLY'], dropCapabilities: [], addAmbientCapabilities: [] } } })).toMatchObject({ code: Code.INVALID_ARGUMENT, message: expect.stringContaining('unknown capability to add: "CAP_FLY"') });
    expect(await create({ securityContext: { capabilities: { addCapabilities: [], dropCapabilities: [], addAmbientCapabilities: ['NET_RAW'] } } })).toMatchObject({ code: Code.UNIMPLEMENTED });
  });

  test('no_new_privs, read-only rootfs, masked and read-only paths', async () => {
    expect(field(await run(STATUS, { securityContext: { noNewPrivs: true } }), 'NoNewPrivs')).toBe('1');
    const ro = await run('touch /tmp/x 2>&1 || echo denied', { securityContext: { readonlyRootfs: true } });
    expect(ro).toMatch(/Read-only file system[\s\S]*denied/);
    const dflt = await run('echo keys=$(wc -c < /proc/keys); echo 1 > /proc/sys/kernel/domainname 2>&1 || echo sys-denied');
    expect(dflt).toMatch(/keys=0/);
    expect(dflt).toMatch(/sys-denied/);
    const custom = await run('echo cpuinfo=$(wc -c < /proc/cpuinfo); echo keys=$(head -c 1 /proc/keys | wc -c); touch /etc/x 2>&1 || echo etc-denied', { securityContext: { maskedPaths: ['/proc/cpuinfo'], readonlyPaths: ['/etc'] } });
    expect(custom).toMatch(/cpuinfo=0/);
    expect(custom).toMatch(/keys=1/); // the request's list replaces the default one
    expect(custom).toMatch(/etc-denied/);
  });

  test('seccomp: RuntimeDefault, Unconfined, Localhost; a missing profile refused', async () => {
    expect(field(await run(STATUS, { securityContext: { seccomp: { profileType: SecurityProfile_ProfileType.RuntimeDefault, localhostRef: '' } } }), 'Seccomp')).toBe('2');
    expect(field(await run(STATUS, { securityContext: { seccompProfilePath: 'runtime/default' } }), 'Seccomp')).toBe('2');
    expect(field(await run(STATUS, { securityContext: { seccomp: { profileType: SecurityProfile_ProfileType.Unconfined, localhostRef: '' } } }), 'Seccomp')).toBe('0');
    const profile = path.join(f.dir, 'no-mkdir.json');
    fs.writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }));
    const local = await run(`${STATUS}; mkdir /tmp/d 2>&1 || echo mkdir-denied`, { securityContext: { seccomp: { profileType: SecurityProfile_ProfileType.Localhost, localhostRef: profile } } });
    expect(field(local, 'Seccomp')).toBe('2');
    expect(local).toMatch(/Operation not permitted[\s\S]*mkdir-denied/);
    expect(await create({ securityContext: { seccomp: { profileType: SecurityProfile_ProfileType.Localhost, localhostRef: path.join(f.dir, 'absent.json') } } })).toMatchObject({ code: Code.INVALID_ARGUMENT, message: expect.stringContaining('ENOENT') });
    expect(await create({ securityContext: { seccompProfilePath: 'bogus' } })).toMatchObject({ code: Code.INVALID_ARGUMENT, message: expect.stringContaining('unknown seccomp profile "bogus"') });
  });

  test('AppArmor and SELinux on a host without them: nothing to apply; a named AppArmor profile refused', async () => {
    if (fs.existsSync('/sys/module/apparmor/parameters/enabled') && fs.readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y') return;
    expect(field(await run(STATUS, { securityContext: { apparmor: { profileType: SecurityProfile_ProfileType.Unconfined, localhostRef: '' }, selinuxOptions: { user: 'system_u', role: 'system_r', type: 'container_t', level: 's0' } } }), 'Uid')).toBe('0 0 0 0');
    expect(await create({ securityContext: { apparmor: { profileType: SecurityProfile_ProfileType.Localhost, localhostRef: 'my-profile' } } })).toMatchObject({ code: Code.INVALID_ARGUMENT, message: expect.stringContaining('apparmor is not supported') });
  });

  test('PID namespace: the pod\'s, the container\'s own, the node\'s', async () => {
    const podPid = await run('cat /proc/1/cmdline | head -c 200; echo', { securityContext: { namespaceOptions: { pid: NamespaceMode.POD } } });
    expect(podPid).toMatch(/trap/); // the pause process is PID 1
    const own = await run('echo self=$$', { securityContext: { namespaceOptions: { pid: NamespaceMode.CONTAINER } } });
    expect(own).toBe('self=1');
    const node = await run('ls -d /proc/[0-9]* | wc -l', { securityContext: { namespaceOptions: { pid: NamespaceMode.NODE } } });
    expect(Number(node)).toBeGreaterThan(20);
  });

  test('pod sysctls apply in the pod\'s namespaces', async () => {
    const sc = { ...f.sandboxConfig('sysctl'), linux: { cgroupParent: f.cgroupParent, sysctls: { 'kernel.shmmax': '123456789', 'net.ipv4.ip_unprivileged_port_start': '80' } } };
    const { podSandboxId } = await f.cri.runtime.runPodSandbox({ config: sc });
    const out = await run('cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_unprivileged_port_start', {}, { sandbox: podSandboxId, sandboxCfg: sc });
    expect(out).toBe('123456789\n80');
    expect(fs.readFileSync('/proc/sys/kernel/shmmax', 'utf8').trim()).not.toBe('123456789');
    await f.cri.runtime.removePodSandbox({ podSandboxId });
  });

  test('privileged: only in a privileged pod; every capability, writable /sys, the host\'s devices', async () => {
    expect(await create({ securityContext: { privileged: true } })).toMatchObject({ code: Code.INVALID_ARGUMENT, message: expect.stringContaining('no privileged container allowed in sandbox') });
    const sc = { ...f.sandboxConfig('priv'), linux: { cgroupParent: f.cgroupParent, securityContext: { privileged: true } } };
    const { podSandboxId } = await f.cri.runtime.runPodSandbox({ config: sc });
    const out = await run(`${STATUS}; grep " /sys " /proc/mounts; ls /dev/kmsg`, { securityContext: { privileged: true } }, { sandbox: podSandboxId, sandboxCfg: sc });
    expect(field(out, 'CapEff')).toBe(ownCaps().toString(16).padStart(16, '0'));
    expect(field(out, 'Seccomp')).toBe('0');
    expect(out).toMatch(/ \/sys sysfs rw/);
    expect(out).toMatch(/^\/dev\/kmsg$/m);
    await f.cri.runtime.removePodSandbox({ podSandboxId });
  });
});
