// CRI statistics of real pods: a container's CPU and memory from its cgroup (bracketed by reading the
// cgroup itself before and after), nano cores between two samples, the writable layer's usage, and
// the pod's cgroup, network counters (checked against `ip -s link` in the pod's netns) and process
// count. Created containers have only their layer; stopped pods have no statistics.
import { Code } from '@stack/proto';
import { cgroupStatsAt } from '@stack/runc-ts/cgroup-stats';
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { callError } from './cri-client.js';
import { inNetnsOf } from './cri-netns.js';
import { startCriFixture, type CriFixture } from './support/cri-fixture.js';

jest.setTimeout(120_000);

describe('CRI statistics', () => {
  let f: CriFixture;
  beforeAll(async () => {
    f = await startCriFixture('cri-stats-', { bridge: 'cristats1', subnet: '10.125.7.0/24' });
  });
  afterAll(async () => {
    await f?.teardown();
  });

  test('container and pod statistics come from the cgroups, the layer and the pod netns', async () => {
    const podParent = `${f.cgroupParent}/podstats`;
    const cfg = f.sandboxConfig('statpod', { linux: { cgroupParent: podParent }, labels: { app: 'stats' } });
    const { podSandboxId: pod } = await f.cri.runtime.runPodSandbox({ config: cfg });
    // A shell holding ~20 MB in a variable (anonymous memory), a 30 MB file in its writable layer,
    // and a loop using CPU in bursts.
    const busy = (
      await f.cri.runtime.createContainer({
        podSandboxId: pod,
        config: f.container('busy', ['sh', '-c', 'head -c 30000000 /dev/zero > /big; x=$(head -c 20000000 /dev/zero | tr "\\0" a); touch /filled; while :; do i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 0.2; done']),
        sandboxConfig: cfg,
      })
    ).containerId;
    await f.cri.runtime.startContainer({ containerId: busy });
    const idle = (await f.cri.runtime.createContainer({ podSandboxId: pod, config: f.container('idle', ['sleep', '3600']), sandboxConfig: cfg })).containerId;
    for (let i = 0; i < 200; i++) {
      const r = await f.cri.runtime.execSync({ containerId: busy, cmd: ['sh', '-c', '[ -f /filled ] && [ $(stat -c %s /big) = 30000000 ] && echo ok'], timeout: 0n });
      if (Buffer.from(r.stdout).toString().includes('ok')) break;
      await new Promise((res) => setTimeout(res, 100));
      if (i === 199) throw new Error('the busy container did not fill its memory');
    }

    const cg = `${podParent}/${busy}`;
    const before = cgroupStatsAt(cg);
    const first = (await f.cri.runtime.containerStats({ containerId: busy })).stats;
    const after = cgroupStatsAt(cg);
    if (!before || !after) throw new Error(`no cgroup ${cg}`);
    const cpu1 = first?.cpu?.usageCoreNanoSeconds?.value ?? 0n;
    expect(cpu1).toBeGreaterThanOrEqual(BigInt(before.cpu.usage.total));
    expect(cpu1).toBeLessThanOrEqual(BigInt(after.cpu.usage.total));
    expect(first?.attributes).toMatchObject({ id: busy, metadata: { name: 'busy', attempt: 0 }, labels: { c: 'busy' } });
    const mem = first?.memory;
    expect(mem?.rssBytes?.value).toBeGreaterThan(20_000_000n);
    expect(mem?.usageBytes?.value).toBeGreaterThanOrEqual(mem?.workingSetBytes?.value ?? 0n);
    expect(mem?.workingSetBytes?.value).toBeGreaterThan(20_000_000n);
    expect(mem?.pageFaults?.value).toBeGreaterThan(0n);
    expect(mem?.availableBytes?.value).toBe(0n); // no memory limit
    expect(first?.writableLayer?.usedBytes?.value).toBeGreaterThanOrEqual(30_000_000n);
    expect(first?.writableLayer?.fsId?.mountpoint).toMatch(/overlayfs$/);

    await new Promise((res) => setTimeout(res, 1000));
    const second = (await f.cri.runtime.containerStats({ containerId: busy })).stats;
    expect(second?.cpu?.usageCoreNanoSeconds?.value).toBeGreaterThan(cpu1);
    expect(second?.cpu?.usageNanoCores?.value).toBeGreaterThan(0n);
    expect(second?.cpu?.usageNanoCores?.value).toBeLessThanOrEqual(2_000_000_000n);

    // Created, not started: the writable layer only.
    const created = (await f.cri.runtime.containerStats({ containerId: idle })).stats;
    expect(created?.cpu).toBeUndefined();
    expect(created?.memory).toBeUndefined();
    expect(created?.writableLayer?.usedBytes).toBeDefined();

    const listed = (await f.cri.runtime.listContainerStats({ filter: { podSandboxId: pod } })).stats;
    expect(listed.map((s) => s.attributes?.metadata?.name).sort()).toEqual(['busy', 'idle']);
    expect((await f.cri.runtime.listContainerStats({ filter: { labelSelector: { c: 'idle' } } })).stats.map((s) => s.attributes?.id)).toEqual([idle]);

    // The pod: its cgroup parent, its netns's eth0.
    const st = await f.cri.runtime.podSandboxStatus({ podSandboxId: pod, verbose: true });
    const pausePid = (JSON.parse(st.info['info'] ?? '{}') as { pid: number }).pid;
    // Traffic into the pod: three TCP connections to a closed port (SYN in, RST out).
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((res) => net.connect({ host: st.status?.network?.ip ?? '', port: 9 }).on('error', () => res()).on('connect', function (this: net.Socket) {
        this.destroy();
        res();
      }));
    }
    const ps = (await f.cri.runtime.podSandboxStats({ podSandboxId: pod })).stats;
    const link = JSON.parse(inNetnsOf(pausePid, ['ip', '-j', '-s', 'link', 'show', 'eth0'])) as Array<{ stats64: { rx: { bytes: number }; tx: { bytes: number } } }>;
    const eth0 = ps?.linux?.network?.defaultInterface;
    expect(eth0?.name).toBe('eth0');
    expect(eth0?.rxBytes?.value).toBeGreaterThan(3n * 60n); // three SYNs at least
    expect(eth0?.rxBytes?.value).toBeLessThanOrEqual(BigInt(link[0]?.stats64.rx.bytes ?? 0));
    expect(eth0?.txBytes?.value).toBeGreaterThan(0n);
    expect(ps?.linux?.network?.interfaces.map((i) => i.name)).toEqual(['eth0']);
    expect(ps?.attributes).toMatchObject({ id: pod, metadata: { name: 'statpod' }, labels: { app: 'stats' } });
    const podCpu = ps?.linux?.cpu?.usageCoreNanoSeconds?.value ?? 0n;
    expect(podCpu).toBeGreaterThanOrEqual(second?.cpu?.usageCoreNanoSeconds?.value ?? 0n);
    expect(podCpu).toBeLessThanOrEqual(BigInt(cgroupStatsAt(podParent)?.cpu.usage.total ?? 0));
    expect(ps?.linux?.memory?.workingSetBytes?.value).toBeGreaterThan(20_000_000n);
    expect(ps?.linux?.process?.processCount?.value).toBeGreaterThanOrEqual(1n);
    expect(ps?.linux?.containers.map((c) => c.attributes?.metadata?.name).sort()).toEqual(['busy', 'idle']);
    const all = (await f.cri.runtime.listPodSandboxStats({})).stats;
    expect(all.map((s) => s.attributes?.id)).toEqual([pod]);
    expect((await f.cri.runtime.listPodSandboxStats({ filter: { labelSelector: { app: 'other' } } })).stats).toEqual([]);

    // Unknown ids; a stopped pod has none and is left out of the list.
    expect((await callError(f.cri.runtime.containerStats({ containerId: 'e'.repeat(64) }))).code).toBe(Code.NOT_FOUND);
    expect((await callError(f.cri.runtime.podSandboxStats({ podSandboxId: 'e'.repeat(64) }))).code).toBe(Code.NOT_FOUND);
    await f.cri.runtime.stopPodSandbox({ podSandboxId: pod });
    expect((await callError(f.cri.runtime.podSandboxStats({ podSandboxId: pod }))).code).toBe(Code.UNAVAILABLE);
    expect((await f.cri.runtime.listPodSandboxStats({})).stats).toEqual([]);
    const stopped = (await f.cri.runtime.containerStats({ containerId: busy })).stats;
    expect(stopped?.cpu).toBeUndefined();
    await f.cri.runtime.removePodSandbox({ podSandboxId: pod });
    expect((await f.cri.runtime.listContainerStats({})).stats).toEqual([]);
  });

  test('a pod without a cgroup parent of its own: the sum of its pause and containers', async () => {
    const cfg = { ...f.sandboxConfig('nocg'), linux: {} };
    const { podSandboxId: pod } = await f.cri.runtime.runPodSandbox({ config: cfg });
    const { containerId } = await f.cri.runtime.createContainer({ podSandboxId: pod, config: f.container('c', ['sleep', '3600']), sandboxConfig: cfg });
    await f.cri.runtime.startContainer({ containerId });
    const ps = (await f.cri.runtime.podSandboxStats({ podSandboxId: pod })).stats;
    const cs = ps?.linux?.containers[0];
    expect(ps?.linux?.cpu?.usageCoreNanoSeconds?.value).toBeGreaterThanOrEqual(cs?.cpu?.usageCoreNanoSeconds?.value ?? 0n);
    expect(ps?.linux?.memory?.usageBytes?.value).toBeGreaterThanOrEqual(cs?.memory?.usageBytes?.value ?? 1n);
    expect(ps?.linux?.process?.processCount?.value).toBe(1n);
    await f.cri.runtime.removePodSandbox({ podSandboxId: pod });
    // The default parent (/k8s.io) goes too if this test was its only user.
    for (const h of fs.readdirSync('/sys/fs/cgroup')) {
      try {
        fs.rmdirSync(path.join('/sys/fs/cgroup', h, 'k8s.io'));
      } catch {
        // absent, or another test's pods are in it
      }
    }
  });
});
