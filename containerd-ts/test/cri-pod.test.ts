// A CRI pod end to end: two busybox containers in one sandbox share its network (one serves HTTP on
// 127.0.0.1, the other fetches it), output lands in the CRI log format, ExecSync runs commands,
// StopContainer escalates to SIGKILL after its timeout, and removal leaves nothing behind. Runs in a
// network namespace of the test's own; host-local keeps its leases under the test's dir.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildBusyboxImage, pushOciLayout, removeCgroupTree, startRegistry, writeOciImage, type Registry } from '@stack/tools';
import { Code } from '@stack/proto';
import { ContainerState, NamespaceMode } from '@stack/proto/gen/runtime/v1/api_pb';
import { ctrTs, startTestDaemon, type TestDaemon } from './support/daemon.js';
import { removeTree, tempDir } from './support/temp.js';
import { callError, criClients, type CriClients } from './cri-client.js';
import { enterPrivateNetns } from './cri-netns.js';

jest.setTimeout(120_000);

const LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr) (F|P) (.*)$/;

describe('CRI pod with two containers', () => {
  let dir: string;
  let leaveNetns: (() => void) | undefined;
  let registry: Registry;
  let daemon: TestDaemon;
  let cri: CriClients;
  let bbRef: string;
  let ipamDir: string;
  const cgroupParent = `/cri-test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    dir = tempDir('cri-pod-');
    leaveNetns = enterPrivateNetns();
    registry = await startRegistry();
    const bb = await buildBusyboxImage({ outDir: path.join(dir, 'busybox') });
    await pushOciLayout(registry, bb.layoutDir, 'library/busybox:latest');
    bbRef = `${registry.host}/library/busybox:latest`;
    const pause = await writeOciImage({
      outDir: path.join(dir, 'pause'),
      layers: [{ entries: [{ path: 'bin', type: 'dir', mode: 0o755 }, { path: 'bin/busybox', type: 'file', source: '/bin/busybox', mode: 0o755 }, { path: 'bin/sh', type: 'symlink', linkname: 'busybox' }, { path: 'bin/sleep', type: 'symlink', linkname: 'busybox' }] }],
      config: { entrypoint: ['/bin/sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'] },
    });
    await pushOciLayout(registry, pause.layoutDir, 'stack/pause:test');
    const confDir = path.join(dir, 'net.d');
    ipamDir = path.join(dir, 'ipam');
    fs.mkdirSync(confDir);
    fs.writeFileSync(path.join(confDir, '10-pods.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'pods', plugins: [{ type: 'bridge', bridge: 'cripod1', isGateway: true, ipam: { type: 'host-local', ranges: [[{ subnet: '10.125.3.0/24' }]], dataDir: ipamDir } }] }));
    daemon = await startTestDaemon({ config: `version = 2\n[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "${registry.host}/stack/pause:test"\n[plugins."io.containerd.grpc.v1.cri".cni]\nconf_dir = "${confDir}"\n` });
    cri = criClients(daemon.socket);
    await cri.images.pullImage({ image: { image: bbRef } });
  });

  afterAll(async () => {
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

  const sandboxConfig = (name: string) => ({ metadata: { name, uid: `uid-${name}`, namespace: 'default', attempt: 0 }, hostname: name, logDirectory: path.join(dir, 'logs', name), linux: { cgroupParent } });
  const container = (name: string, command: string[], extra: object = {}) => ({ metadata: { name, attempt: 0 }, image: { image: bbRef, annotations: {} }, command, logPath: `${name}.log`, labels: { c: name }, ...extra });

  async function exited(id: string) {
    for (let i = 0; i < 600; i++) {
      const st = (await cri.runtime.containerStatus({ containerId: id })).status;
      if (st?.state === ContainerState.CONTAINER_EXITED) return st;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`container ${id} did not exit`);
  }

  test('two containers share localhost; logs in CRI format; ExecSync; stop escalates; remove cleans up', async () => {
    const cfg = sandboxConfig('pod1');
    const { podSandboxId: pod } = await cri.runtime.runPodSandbox({ config: cfg });
    const server = (
      await cri.runtime.createContainer({
        podSandboxId: pod,
        config: container('server', ['sh', '-c', 'echo hello-from-server > /tmp/index.html; echo serving; echo to-stderr >&2; exec httpd -f -p 8080 -h /tmp'], { envs: [{ key: 'GREETING', value: Buffer.from('hi there') }], workingDir: '/tmp', linux: { securityContext: { namespaceOptions: { pid: NamespaceMode.CONTAINER } } } }),
        sandboxConfig: cfg,
      })
    ).containerId;
    expect((await cri.runtime.containerStatus({ containerId: server })).status?.state).toBe(ContainerState.CONTAINER_CREATED);
    await cri.runtime.startContainer({ containerId: server });
    expect((await cri.runtime.containerStatus({ containerId: server })).status?.state).toBe(ContainerState.CONTAINER_RUNNING);

    const client = (
      await cri.runtime.createContainer({
        podSandboxId: pod,
        config: container('client', ['sh', '-c', 'for i in $(seq 1 100); do wget -q -O - http://127.0.0.1:8080/index.html && exit 0; sleep 0.1; done; exit 1']),
        sandboxConfig: cfg,
      })
    ).containerId;
    await cri.runtime.startContainer({ containerId: client });
    const cst = await exited(client);
    expect(cst).toMatchObject({ exitCode: 0, reason: 'Completed', logPath: path.join(dir, 'logs', 'pod1', 'client.log') });
    const clientLog = fs.readFileSync(path.join(dir, 'logs', 'pod1', 'client.log'), 'utf8').trimEnd().split('\n');
    expect(clientLog.map((l) => LOG_LINE.exec(l)?.slice(1))).toEqual([['stdout', 'F', 'hello-from-server']]);
    const serverLog = fs.readFileSync(path.join(dir, 'logs', 'pod1', 'server.log'), 'utf8').trimEnd().split('\n').map((l) => LOG_LINE.exec(l)?.slice(1));
    expect(serverLog).toEqual(expect.arrayContaining([['stdout', 'F', 'serving'], ['stderr', 'F', 'to-stderr']]));

    // ExecSync: output, stderr and exit code; env and working dir of the container; the pod's hostname.
    const r = await cri.runtime.execSync({ containerId: server, cmd: ['sh', '-c', 'echo "$GREETING in $(pwd) on $(hostname)"; echo oops >&2; exit 3'], timeout: 0n });
    expect({ out: Buffer.from(r.stdout).toString(), err: Buffer.from(r.stderr).toString(), code: r.exitCode }).toEqual({ out: 'hi there in /tmp on pod1\n', err: 'oops\n', code: 3 });
    const slow = await callError(cri.runtime.execSync({ containerId: server, cmd: ['sleep', '30'], timeout: 1n }));
    expect(slow.code).toBe(Code.DEADLINE_EXCEEDED);
    expect((await callError(cri.runtime.execSync({ containerId: client, cmd: ['true'], timeout: 0n }))).code).toBe(Code.FAILED_PRECONDITION);

    const listed = await cri.runtime.listContainers({ filter: { podSandboxId: pod } });
    expect(listed.containers.map((c) => [c.metadata?.name, c.state]).sort()).toEqual([['client', ContainerState.CONTAINER_EXITED], ['server', ContainerState.CONTAINER_RUNNING]]);
    expect((await cri.runtime.listContainers({ filter: { labelSelector: { c: 'server' } } })).containers.map((c) => c.id)).toEqual([server]);

    // httpd as PID 1 ignores SIGTERM: after the timeout, SIGKILL.
    await cri.runtime.stopContainer({ containerId: server, timeout: 1n });
    const sst = await exited(server);
    expect(sst.exitCode).toBe(137);
    await cri.runtime.stopContainer({ containerId: server, timeout: 1n });

    await cri.runtime.removeContainer({ containerId: client });
    await cri.runtime.removeContainer({ containerId: client });
    await cri.runtime.removePodSandbox({ podSandboxId: pod });
    expect((await cri.runtime.listContainers({})).containers).toEqual([]);
    expect((await ctrTs(daemon, ['-n', 'k8s.io', 'containers', 'ls', '-q'])).stdout.trim()).toBe('');
    expect(fs.readFileSync('/proc/self/mounts', 'utf8')).not.toContain(daemon.state);
    expect(fs.readdirSync(path.join(ipamDir, 'pods')).filter((n) => /^10\./.test(n))).toEqual([]);
  });

  test('idle containers hold no worker threads: with six silent ones the daemon still serves file work and exec', async () => {
    const cfg = sandboxConfig('idle');
    const { podSandboxId: pod } = await cri.runtime.runPodSandbox({ config: cfg });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { containerId } = await cri.runtime.createContainer({ podSandboxId: pod, config: container(`quiet${i}`, ['sleep', '3600']), sandboxConfig: cfg });
      await cri.runtime.startContainer({ containerId });
      ids.push(containerId);
    }
    expect((await cri.images.imageFsInfo({})).imageFilesystems).toHaveLength(1);
    const r = await cri.runtime.execSync({ containerId: ids[5] as string, cmd: ['echo', 'still here'], timeout: 0n });
    expect(Buffer.from(r.stdout).toString()).toBe('still here\n');
    await cri.runtime.removePodSandbox({ podSandboxId: pod });
    expect((await cri.runtime.listContainers({})).containers).toEqual([]);
  });

  test('bad requests: unknown ids, images and unsupported settings fail clearly, nothing left', async () => {
    const cfg = sandboxConfig('pod2');
    const { podSandboxId: pod } = await cri.runtime.runPodSandbox({ config: cfg });
    const nf = await callError(cri.runtime.createContainer({ podSandboxId: 'f'.repeat(64), config: container('x', ['true']), sandboxConfig: cfg }));
    expect(nf.code).toBe(Code.NOT_FOUND);
    const img = await callError(cri.runtime.createContainer({ podSandboxId: pod, config: { ...container('x', ['true']), image: { image: `${registry.host}/nope:1`, annotations: {} } }, sandboxConfig: cfg }));
    expect(img.code).toBe(Code.NOT_FOUND);
    const priv = await callError(cri.runtime.createContainer({ podSandboxId: pod, config: { ...container('x', ['true']), linux: { securityContext: { privileged: true } } }, sandboxConfig: cfg }));
    expect(priv).toMatchObject({ code: Code.INVALID_ARGUMENT, message: 'CreateContainer: no privileged container allowed in sandbox (the pod is not privileged)' });
    const esc = await callError(cri.runtime.createContainer({ podSandboxId: pod, config: { ...container('x', ['true']), logPath: '../../escape.log' }, sandboxConfig: cfg }));
    expect(esc.message).toMatch(/log_path "..\/..\/escape.log" leaves the pod's log directory/);
    const mnt = await callError(cri.runtime.createContainer({ podSandboxId: pod, config: { ...container('x', ['true']), mounts: [{ containerPath: '/data', hostPath: path.join(dir, 'absent') }] }, sandboxConfig: cfg }));
    expect(mnt.message).toMatch(/mount source .*absent does not exist/);
    expect((await callError(cri.runtime.startContainer({ containerId: 'a'.repeat(64) }))).code).toBe(Code.NOT_FOUND);
    expect((await callError(cri.runtime.stopContainer({ containerId: 'a'.repeat(64), timeout: 0n }))).code).toBe(Code.NOT_FOUND);
    expect((await callError(cri.runtime.containerStatus({ containerId: 'a'.repeat(64) }))).code).toBe(Code.NOT_FOUND);
    await expect(cri.runtime.removeContainer({ containerId: 'a'.repeat(64) })).resolves.toBeDefined();
    expect((await cri.runtime.listContainers({})).containers).toEqual([]);
    // A container created but never started goes with its pod.
    await cri.runtime.createContainer({ podSandboxId: pod, config: container('idle', ['true']), sandboxConfig: cfg });
    await cri.runtime.removePodSandbox({ podSandboxId: pod });
    expect((await cri.runtime.listContainers({})).containers).toEqual([]);
    expect((await ctrTs(daemon, ['-n', 'k8s.io', 'containers', 'ls', '-q'])).stdout.trim()).toBe('');
  });
});
