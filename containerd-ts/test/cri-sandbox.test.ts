// CRI pod sandboxes for real: a pause container from a sandbox image built here (busybox sh waiting
// for signals) pulled from the registry fixture, its own network/IPC/UTS namespaces, a CNI bridge
// address, hostname, resolv.conf and cgroup parent; stop and remove leave nothing behind. Everything
// runs in a network namespace the test made; host-local keeps its leases under the test's dir.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pushOciLayout, removeCgroupTree, startRegistry, writeOciImage, type Registry } from '@stack/tools';
import { Code } from '@stack/proto';
import { NamespaceMode, PodSandboxState } from '@stack/proto/gen/runtime/v1/api_pb';
import { ctrTs, startTestDaemon, type TestDaemon } from './support/daemon.js';
import { removeTree, tempDir } from './support/temp.js';
import { callError, criClients, type CriClients } from './cri-client.js';
import { enterPrivateNetns, inNetnsOf } from './cri-netns.js';

jest.setTimeout(120_000);

describe('CRI pod sandboxes', () => {
  let dir: string;
  let leaveNetns: (() => void) | undefined;
  let registry: Registry;
  let daemon: TestDaemon;
  let cri: CriClients;
  const cgroupParent = `/cri-test-${randomBytes(4).toString('hex')}`;
  let ipamDir: string;

  beforeAll(async () => {
    dir = tempDir('cri-sandbox-');
    leaveNetns = enterPrivateNetns();
    registry = await startRegistry();
    const pause = await writeOciImage({
      outDir: path.join(dir, 'pause'),
      layers: [
        {
          entries: [
            { path: 'bin', type: 'dir', mode: 0o755 },
            { path: 'etc', type: 'dir', mode: 0o755 },
            { path: 'bin/busybox', type: 'file', source: '/bin/busybox', mode: 0o755 },
            { path: 'bin/sh', type: 'symlink', linkname: 'busybox' },
            { path: 'bin/sleep', type: 'symlink', linkname: 'busybox' },
          ],
        },
      ],
      // PID 1 of the pod: waits for signals and exits on TERM or INT.
      config: { entrypoint: ['/bin/sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'] },
    });
    await pushOciLayout(registry, pause.layoutDir, 'stack/pause:test');
    const confDir = path.join(dir, 'net.d');
    ipamDir = path.join(dir, 'ipam');
    fs.mkdirSync(confDir);
    fs.writeFileSync(
      path.join(confDir, '10-pods.conflist'),
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'pods',
        plugins: [
          { type: 'bridge', bridge: 'cripod0', isGateway: true, ipam: { type: 'host-local', ranges: [[{ subnet: '10.124.9.0/24' }]], dataDir: ipamDir } },
          { type: 'portmap', capabilities: { portMappings: true } },
        ],
      }),
    );
    daemon = await startTestDaemon({
      config: `version = 2\n[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "${registry.host}/stack/pause:test"\n[plugins."io.containerd.grpc.v1.cri".cni]\nconf_dir = "${confDir}"\n`,
    });
    cri = criClients(daemon.socket);
  });

  afterAll(async () => {
    // Pods a failed test left: removed through CRI, so their network and processes go first.
    const left = await cri?.runtime.listPodSandbox({}).catch(() => undefined);
    for (const p of left?.items ?? []) await cri.runtime.removePodSandbox({ podSandboxId: p.id }).catch(() => undefined);
    cri?.close();
    await daemon?.stop();
    removeCgroupTree(cgroupParent, { kill: true });
    daemon?.cleanup();
    await registry?.stop();
    leaveNetns?.();
    if (dir) removeTree(dir);
  });

  const podConfig = (name: string) => ({
    metadata: { name, uid: `uid-${name}`, namespace: 'default', attempt: 0 },
    hostname: `${name}-host`,
    logDirectory: path.join(dir, 'logs', name),
    dnsConfig: { servers: ['10.124.9.53'], searches: ['svc.cluster.local'], options: ['ndots:5'] },
    labels: { app: name },
    annotations: { note: 'test' },
    linux: { cgroupParent },
  });

  const leases = () => (fs.existsSync(path.join(ipamDir, 'pods')) ? fs.readdirSync(path.join(ipamDir, 'pods')).filter((n) => /^10\./.test(n)) : []);

  test('RunPodSandbox: pause container with its own namespaces, a pod IP, hostname, DNS and cgroup', async () => {
    const { podSandboxId: id } = await cri.runtime.runPodSandbox({ config: podConfig('web') });
    expect(id).toMatch(/^[a-f0-9]{64}$/);
    const st = await cri.runtime.podSandboxStatus({ podSandboxId: id, verbose: true });
    expect(st.status).toMatchObject({ id, state: PodSandboxState.SANDBOX_READY, metadata: { name: 'web', namespace: 'default', uid: 'uid-web' }, labels: { app: 'web' } });
    const ip = st.status?.network?.ip as string;
    expect(ip).toMatch(/^10\.124\.9\.\d+$/);
    expect(st.status?.linux?.namespaces?.options).toMatchObject({ network: NamespaceMode.POD, pid: NamespaceMode.POD, ipc: NamespaceMode.POD });
    const pid = (JSON.parse(st.info['info'] ?? '{}') as { pid: number }).pid;
    expect(pid).toBeGreaterThan(0);
    for (const ns of ['net', 'ipc', 'uts', 'pid', 'mnt']) expect(fs.readlinkSync(`/proc/${pid}/ns/${ns}`)).not.toBe(fs.readlinkSync(`/proc/self/ns/${ns}`));
    expect(inNetnsOf(pid, ['ip', '-4', '-o', 'addr', 'show', 'eth0'])).toContain(`${ip}/24`);
    expect(inNetnsOf(pid, ['ip', '-o', 'link', 'show', 'lo'])).toMatch(/state (UP|UNKNOWN)/);
    expect(fs.readFileSync(`/proc/${pid}/root/etc/hostname`, 'utf8')).toBe('web-host\n');
    expect(fs.readFileSync(`/proc/${pid}/root/etc/resolv.conf`, 'utf8')).toBe('search svc.cluster.local\nnameserver 10.124.9.53\noptions ndots:5\n');
    expect(fs.readFileSync(`/proc/${pid}/root/etc/hosts`, 'utf8')).toContain(`${ip}\tweb-host`);
    expect(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(`${cgroupParent}/${id}`);
    expect(leases()).toEqual([ip]);

    const list = await cri.runtime.listPodSandbox({});
    expect(list.items.map((x) => [x.id, x.state])).toEqual([[id, PodSandboxState.SANDBOX_READY]]);
    expect((await cri.runtime.listPodSandbox({ filter: { labelSelector: { app: 'other' } } })).items).toEqual([]);
    expect((await cri.runtime.listPodSandbox({ filter: { id: id.slice(0, 12) } })).items).toHaveLength(1);

    // The same pod name and attempt again is refused.
    const dup = await callError(cri.runtime.runPodSandbox({ config: podConfig('web') }));
    expect(dup.code).toBe(Code.ALREADY_EXISTS);

    // Stop: the network is torn down and the pause process is gone; stopping again succeeds.
    await cri.runtime.stopPodSandbox({ podSandboxId: id });
    expect(fs.existsSync(`/proc/${pid}`) && fs.readFileSync(`/proc/${pid}/status`, 'utf8').includes('State:\tZ') === false).toBe(false);
    expect(leases()).toEqual([]);
    expect((await cri.runtime.podSandboxStatus({ podSandboxId: id })).status?.state).toBe(PodSandboxState.SANDBOX_NOTREADY);
    await cri.runtime.stopPodSandbox({ podSandboxId: id });

    // Remove: record, container and snapshot gone; removing again succeeds.
    await cri.runtime.removePodSandbox({ podSandboxId: id });
    expect((await cri.runtime.listPodSandbox({})).items).toEqual([]);
    expect((await ctrTs(daemon, ['-n', 'k8s.io', 'containers', 'ls', '-q'])).stdout.trim()).toBe('');
    expect((await ctrTs(daemon, ['-n', 'k8s.io', 'snapshots', 'ls'])).stdout).not.toContain(id);
    await cri.runtime.removePodSandbox({ podSandboxId: id });
    expect((await callError(cri.runtime.podSandboxStatus({ podSandboxId: id }))).code).toBe(Code.NOT_FOUND);
  });

  test('RemovePodSandbox of a running pod stops it first', async () => {
    const { podSandboxId: id } = await cri.runtime.runPodSandbox({ config: podConfig('quick') });
    expect(leases()).toHaveLength(1);
    await cri.runtime.removePodSandbox({ podSandboxId: id });
    expect(leases()).toEqual([]);
    expect((await cri.runtime.listPodSandbox({})).items).toEqual([]);
  });

  test('pods survive a daemon restart: still ready with their IP, and their teardown frees the address', async () => {
    const { podSandboxId: id } = await cri.runtime.runPodSandbox({ config: podConfig('lasting') });
    const hostNet = (await cri.runtime.runPodSandbox({ config: { ...podConfig('hostnet'), linux: { cgroupParent, securityContext: { namespaceOptions: { network: NamespaceMode.NODE } } } } })).podSandboxId;
    const before = await cri.runtime.podSandboxStatus({ podSandboxId: id });
    cri.close();
    await daemon.stop();
    await daemon.restart();
    cri = criClients(daemon.socket);
    const after = await cri.runtime.podSandboxStatus({ podSandboxId: id });
    expect(after.status).toMatchObject({ state: PodSandboxState.SANDBOX_READY, network: { ip: before.status?.network?.ip } });
    const hn = await cri.runtime.podSandboxStatus({ podSandboxId: hostNet, verbose: true });
    expect(hn.status).toMatchObject({ state: PodSandboxState.SANDBOX_READY, network: { ip: '' }, linux: { namespaces: { options: { network: NamespaceMode.NODE } } } });
    const pid = (JSON.parse(hn.info['info'] ?? '{}') as { pid: number }).pid;
    expect(fs.readlinkSync(`/proc/${pid}/ns/net`)).toBe(fs.readlinkSync('/proc/thread-self/ns/net'));
    await cri.runtime.removePodSandbox({ podSandboxId: id });
    await cri.runtime.removePodSandbox({ podSandboxId: hostNet });
    expect(leases()).toEqual([]);
    expect((await cri.runtime.listPodSandbox({})).items).toEqual([]);
  });

  test('bad requests fail clearly and leave nothing behind', async () => {
    expect(await callError(cri.runtime.runPodSandbox({}))).toMatchObject({ code: Code.INVALID_ARGUMENT, message: 'RunPodSandbox: config must be set' });
    const noName = await callError(cri.runtime.runPodSandbox({ config: { metadata: { name: '', namespace: 'x', uid: 'u', attempt: 0 } } }));
    expect(noName.message).toMatch(/metadata.name and config.metadata.namespace must be set/);
    const handler = await callError(cri.runtime.runPodSandbox({ config: podConfig('h'), runtimeHandler: 'kata' }));
    expect(handler.message).toMatch(/runtime handler "kata" is not configured/);
    const sysctl = await callError(cri.runtime.runPodSandbox({ config: { ...podConfig('s'), linux: { cgroupParent, sysctls: { 'kernel.panic': '1' } } } }));
    expect(sysctl).toMatchObject({ code: Code.INVALID_ARGUMENT, message: 'RunPodSandbox: sysctl kernel.panic is not namespaced: it would change the node' });
    const hostNetSysctl = await callError(cri.runtime.runPodSandbox({ config: { ...podConfig('s'), linux: { cgroupParent, sysctls: { 'net.ipv4.ip_forward': '1' }, securityContext: { namespaceOptions: { network: 2 } } } } }));
    expect(hostNetSysctl.message).toMatch(/sysctl net.ipv4.ip_forward needs the pod's own network namespace/);
    const cg = await callError(cri.runtime.runPodSandbox({ config: { ...podConfig('c'), linux: { cgroupParent: '../escape' } } }));
    expect(cg.message).toMatch(/cgroup_parent "..\/escape" must be an absolute cgroupfs path/);
    const dns = await callError(cri.runtime.runPodSandbox({ config: { ...podConfig('d'), dnsConfig: { servers: ['1.1.1.1\nnameserver 6.6.6.6'], searches: [], options: [] } } }));
    expect(dns.code).toBe(Code.INVALID_ARGUMENT);
    expect((await callError(cri.runtime.podSandboxStatus({ podSandboxId: 'f'.repeat(64) }))).code).toBe(Code.NOT_FOUND);
    expect((await callError(cri.runtime.stopPodSandbox({ podSandboxId: 'nope' }))).code).toBe(Code.NOT_FOUND);
    await expect(cri.runtime.removePodSandbox({ podSandboxId: 'f'.repeat(64) })).resolves.toBeDefined();
    expect((await callError(cri.runtime.stopPodSandbox({ podSandboxId: '' }))).code).toBe(Code.INVALID_ARGUMENT);
    expect((await cri.runtime.listPodSandbox({})).items).toEqual([]);
    expect(leases()).toEqual([]);
    expect((await ctrTs(daemon, ['-n', 'k8s.io', 'containers', 'ls', '-q'])).stdout.trim()).toBe('');
  });
});
