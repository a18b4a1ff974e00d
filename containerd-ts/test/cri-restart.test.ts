// CRI state across a containerd-ts crash: kill -9 the daemon (shims and pods keep running), let one
// container exit and one pod's pause die meanwhile, start the daemon again on the same dirs. Pods and
// containers come back with their states, IPs and log paths; the running container's log continues
// without a gap; the pod whose pause died is NOTREADY; both are then stopped and removed with nothing
// left (CNI leases, veths, mounts, containerd containers, cgroups).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContainerState, PodSandboxState } from '@stack/proto/gen/runtime/v1/api_pb';
import { ctrTs } from './support/daemon.js';
import { startCriFixture, type CriFixture } from './support/cri-fixture.js';

jest.setTimeout(180_000);

const veths = () => spawnSync('ip', ['-o', 'link', 'show', 'type', 'veth'], { encoding: 'utf8' }).stdout.trim();

describe('CRI across a daemon restart', () => {
  let f: CriFixture;
  beforeAll(async () => {
    f = await startCriFixture('cri-restart-', { bridge: 'crirst1', subnet: '10.125.9.0/24' });
  });
  afterAll(async () => {
    await f?.teardown();
  });

  test('pods and containers are recovered, then torn down cleanly', async () => {
    const cfg1 = f.sandboxConfig('keep');
    const { podSandboxId: pod1 } = await f.cri.runtime.runPodSandbox({ config: cfg1 });
    const { containerId: ticker } = await f.cri.runtime.createContainer({ podSandboxId: pod1, config: f.container('ticker', ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo line-$i; sleep 0.1; done']), sandboxConfig: cfg1 });
    await f.cri.runtime.startContainer({ containerId: ticker });
    const { containerId: quitter } = await f.cri.runtime.createContainer({ podSandboxId: pod1, config: f.container('quitter', ['sh', '-c', 'while [ ! -f /tmp/go ]; do sleep 0.1; done; echo bye; exit 7']), sandboxConfig: cfg1 });
    await f.cri.runtime.startContainer({ containerId: quitter });
    const { containerId: created } = await f.cri.runtime.createContainer({ podSandboxId: pod1, config: f.container('later', ['true']), sandboxConfig: cfg1 });
    const cfg2 = f.sandboxConfig('lose');
    const { podSandboxId: pod2 } = await f.cri.runtime.runPodSandbox({ config: cfg2 });
    const before1 = (await f.cri.runtime.podSandboxStatus({ podSandboxId: pod1, verbose: true }));
    const before2 = (await f.cri.runtime.podSandboxStatus({ podSandboxId: pod2, verbose: true }));
    const pause2 = (JSON.parse(before2.info['info'] ?? '{}') as { pid: number }).pid;
    const tickerLog = path.join(f.dir, 'logs', 'keep', 'ticker.log');
    const quitterPid = (JSON.parse((await f.cri.runtime.containerStatus({ containerId: quitter, verbose: true })).info['info'] ?? '{}') as { pid: number }).pid;
    expect(quitterPid).toBeGreaterThan(0);

    await f.daemon.kill9();
    // While the daemon is away: the quitter exits 7, pod2's pause is killed.
    fs.writeFileSync(`/proc/${quitterPid}/root/tmp/go`, '');
    process.kill(pause2, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1500));
    await f.daemon.restart();
    f.reconnect();

    const pods = (await f.cri.runtime.listPodSandbox({})).items;
    expect(pods.map((p) => [p.id, p.state]).sort()).toEqual([[pod1, PodSandboxState.SANDBOX_READY], [pod2, PodSandboxState.SANDBOX_NOTREADY]].sort());
    const after1 = await f.cri.runtime.podSandboxStatus({ podSandboxId: pod1, verbose: true });
    expect(after1.status?.network?.ip).toBe(before1.status?.network?.ip);
    expect(after1.info['info']).toBe(before1.info['info']);
    const after2 = await f.cri.runtime.podSandboxStatus({ podSandboxId: pod2 });
    expect(after2.status?.network?.ip).toBe(before2.status?.network?.ip);

    await f.exited(quitter).catch((err: Error) => {
      throw new Error(`${err.message}; quitter alive: ${fs.existsSync(`/proc/${quitterPid}`)}; daemon log:\n${f.daemon.logs().slice(-1500)}`);
    });
    const q = (await f.cri.runtime.containerStatus({ containerId: quitter })).status;
    expect(q).toMatchObject({ exitCode: 7, reason: 'Error', logPath: path.join(f.dir, 'logs', 'keep', 'quitter.log') });
    const states = Object.fromEntries((await f.cri.runtime.listContainers({})).containers.map((c) => [c.id, c.state]));
    expect(states).toEqual({ [ticker]: ContainerState.CONTAINER_RUNNING, [quitter]: ContainerState.CONTAINER_EXITED, [created]: ContainerState.CONTAINER_CREATED });
    expect((await f.cri.runtime.containerStatus({ containerId: ticker })).status?.logPath).toBe(tickerLog);

    // The ticker's log goes on from where it was, with what it wrote while the daemon was away.
    const r = await f.cri.runtime.execSync({ containerId: ticker, cmd: ['echo', 'exec after restart'], timeout: 0n });
    expect(Buffer.from(r.stdout).toString()).toBe('exec after restart\n');
    const seen = await (async () => {
      for (let i = 0; i < 100; i++) {
        const n = fs.readFileSync(tickerLog, 'utf8').trimEnd().split('\n').map((l) => Number(/ stdout F line-(\d+)$/.exec(l)?.[1]));
        if (n.length > 40) return n;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error('the ticker log did not grow after the restart');
    })();
    expect(seen).toEqual(seen.map((_, i) => i + 1));

    // Teardown works for pods made before the restart, including the one whose pause died.
    await f.cri.runtime.stopPodSandbox({ podSandboxId: pod2 });
    await f.cri.runtime.removePodSandbox({ podSandboxId: pod2 });
    await f.cri.runtime.stopPodSandbox({ podSandboxId: pod1 });
    await f.cri.runtime.removePodSandbox({ podSandboxId: pod1 });
    expect((await f.cri.runtime.listPodSandbox({})).items).toEqual([]);
    expect((await f.cri.runtime.listContainers({})).containers).toEqual([]);
    expect((await ctrTs(f.daemon, ['-n', 'k8s.io', 'containers', 'ls', '-q'])).stdout.trim()).toBe('');
    expect(fs.readFileSync('/proc/self/mounts', 'utf8')).not.toContain(f.daemon.dir);
    expect(fs.readdirSync(path.join(f.ipamDir, 'pods')).filter((n) => /^10\./.test(n))).toEqual([]);
    expect(veths()).toBe('');
    const cgDir = path.join('/sys/fs/cgroup/memory', f.cgroupParent);
    if (fs.existsSync(cgDir)) expect(fs.readdirSync(cgDir, { withFileTypes: true }).filter((e) => e.isDirectory())).toEqual([]);
  });
});
