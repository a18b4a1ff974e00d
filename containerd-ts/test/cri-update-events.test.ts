// UpdateContainerResources on created and running containers (checked in the container's cgroup
// files and /proc), ReopenContainerLog after a rotation, GetContainerEvents through a pod's whole life
// with streams cancelled by their clients, and CheckpointContainer refused.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Code } from '@stack/proto';
import { ContainerEventType, NamespaceMode, type ContainerEventResponse } from '@stack/proto/gen/runtime/v1/api_pb';
import { cgroupStatsAt } from '@stack/runc-ts/cgroup-stats';
import { callError, type CriClients } from './cri-client.js';
import { startCriFixture, type CriFixture } from './support/cri-fixture.js';

jest.setTimeout(120_000);

/** The CFS quota of a cgroup: v1's cpu.cfs_quota_us, else v2's cpu.max. */
function cpuQuota(cgroupsPath: string): number {
  const v1 = path.join('/sys/fs/cgroup/cpu', cgroupsPath, 'cpu.cfs_quota_us');
  if (fs.existsSync(v1)) return Number(fs.readFileSync(v1, 'utf8'));
  const max = fs.readFileSync(path.join('/sys/fs/cgroup', cgroupsPath, 'cpu.max'), 'utf8').split(' ')[0];
  return max === 'max' ? -1 : Number(max);
}

/** Collects a GetContainerEvents stream until its controller aborts. */
function collect(cri: CriClients) {
  const ac = new AbortController();
  const got: ContainerEventResponse[] = [];
  const ended = (async () => {
    try {
      for await (const e of cri.runtime.getContainerEvents({}, { signal: ac.signal })) got.push(e);
    } catch (err) {
      if (!ac.signal.aborted) throw err;
    }
  })();
  return { got, cancel: () => ac.abort(), ended };
}

async function until(what: string, ok: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 200; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('CRI container updates, log reopening and events', () => {
  let f: CriFixture;
  beforeAll(async () => {
    f = await startCriFixture('cri-update-', { bridge: 'criupd1', subnet: '10.125.8.0/24' });
  });
  afterAll(async () => {
    await f?.teardown();
  });

  test('resources at create and live through the task; bad values refused', async () => {
    const cfg = f.sandboxConfig('res');
    const { podSandboxId: pod } = await f.cri.runtime.runPodSandbox({ config: cfg });
    const res = { memoryLimitInBytes: 64n << 20n, cpuShares: 512n, oomScoreAdj: 500n };
    const { containerId: a } = await f.cri.runtime.createContainer({ podSandboxId: pod, config: f.container('a', ['sleep', '3600'], { linux: { resources: res, securityContext: { namespaceOptions: { pid: NamespaceMode.CONTAINER } } } }), sandboxConfig: cfg });
    await f.cri.runtime.startContainer({ containerId: a });
    const cg = (id: string) => `${f.cgroupParent}/${id}`;
    expect(cgroupStatsAt(cg(a))?.memory.usage.limit).toBe(64 * 1024 * 1024);
    const oom = await f.cri.runtime.execSync({ containerId: a, cmd: ['cat', '/proc/1/oom_score_adj'], timeout: 0n });
    expect(Buffer.from(oom.stdout).toString().trim()).toBe('500');

    await f.cri.runtime.updateContainerResources({ containerId: a, linux: { memoryLimitInBytes: 128n << 20n, cpuPeriod: 100000n, cpuQuota: 50000n } });
    expect(cgroupStatsAt(cg(a))?.memory.usage.limit).toBe(128 * 1024 * 1024);
    expect(cpuQuota(cg(a))).toBe(50000);
    const st = (await f.cri.runtime.containerStats({ containerId: a })).stats;
    expect(st?.memory?.availableBytes?.value).toBeGreaterThan(100n << 20n);

    // A created container: the spec changes, and the task starts with it.
    const { containerId: b } = await f.cri.runtime.createContainer({ podSandboxId: pod, config: f.container('b', ['sleep', '3600']), sandboxConfig: cfg });
    await f.cri.runtime.updateContainerResources({ containerId: b, linux: { memoryLimitInBytes: 96n << 20n, cpuPeriod: 100000n, cpuQuota: 20000n } });
    await f.cri.runtime.startContainer({ containerId: b });
    expect(cgroupStatsAt(cg(b))?.memory.usage.limit).toBe(96 * 1024 * 1024);
    expect(cpuQuota(cg(b))).toBe(20000);

    const bad = async (linux: object) => callError(f.cri.runtime.updateContainerResources({ containerId: a, linux }));
    expect(await bad({ cpusetCpus: 'zero' })).toMatchObject({ code: Code.INVALID_ARGUMENT, message: expect.stringContaining('cpuset_cpus "zero" is not a CPU list') });
    expect(await bad({ memoryLimitInBytes: 1000n })).toMatchObject({ code: Code.INVALID_ARGUMENT, message: expect.stringContaining('memory_limit_in_bytes 1000 is out of range') });
    expect(await bad({ oomScoreAdj: 5000n })).toMatchObject({ code: Code.INVALID_ARGUMENT });
    expect([Code.INVALID_ARGUMENT, Code.UNIMPLEMENTED]).toContain((await bad({ hugepageLimits: [{ pageSize: '2 megs', limit: 0n }] })).code);
    expect(cgroupStatsAt(cg(a))?.memory.usage.limit).toBe(128 * 1024 * 1024); // unchanged by the refusals
    expect((await callError(f.cri.runtime.updateContainerResources({ containerId: 'c'.repeat(64), linux: {} }))).code).toBe(Code.NOT_FOUND);
    await f.cri.runtime.stopContainer({ containerId: b, timeout: 0n });
    expect((await callError(f.cri.runtime.updateContainerResources({ containerId: b, linux: { cpuShares: 100n } }))).code).toBe(Code.FAILED_PRECONDITION);
    await f.cri.runtime.removePodSandbox({ podSandboxId: pod });
  });

  test('ReopenContainerLog: after a rotation, new output goes to a new file at the log path', async () => {
    const cfg = f.sandboxConfig('rot');
    const { podSandboxId: pod } = await f.cri.runtime.runPodSandbox({ config: cfg });
    const { containerId } = await f.cri.runtime.createContainer({ podSandboxId: pod, config: f.container('ticker', ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo tick-$i; sleep 0.1; done']), sandboxConfig: cfg });
    await f.cri.runtime.startContainer({ containerId });
    const log = path.join(f.dir, 'logs', 'rot', 'ticker.log');
    await until('a first line', () => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('tick-2'));
    fs.renameSync(log, `${log}.1`);
    await f.cri.runtime.reopenContainerLog({ containerId });
    const rotatedSize = fs.statSync(`${log}.1`).size;
    await until('lines in the new file', () => fs.existsSync(log) && fs.readFileSync(log, 'utf8').split('\n').length > 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.statSync(`${log}.1`).size).toBe(rotatedSize);
    const last = (file: string) => Number(/tick-(\d+)\n$/.exec(fs.readFileSync(file, 'utf8'))?.[1]);
    const first = Number(/tick-(\d+)/.exec(fs.readFileSync(log, 'utf8'))?.[1]);
    expect(first).toBe(last(`${log}.1`) + 1); // no line lost or repeated across the rotation
    await f.cri.runtime.stopContainer({ containerId, timeout: 0n });
    expect((await callError(f.cri.runtime.reopenContainerLog({ containerId }))).code).toBe(Code.FAILED_PRECONDITION);
    expect((await callError(f.cri.runtime.reopenContainerLog({ containerId: 'd'.repeat(64) }))).code).toBe(Code.NOT_FOUND);
    await f.cri.runtime.removePodSandbox({ podSandboxId: pod });
  });

  test('GetContainerEvents: the lifecycle of a pod and its container; cancelled streams leave the service working', async () => {
    const early = collect(f.cri); // cancelled while idle
    const watch = collect(f.cri);
    await new Promise((r) => setTimeout(r, 200));
    early.cancel();
    await early.ended;
    const cfg = f.sandboxConfig('ev');
    const { podSandboxId: pod } = await f.cri.runtime.runPodSandbox({ config: cfg });
    const { containerId } = await f.cri.runtime.createContainer({ podSandboxId: pod, config: f.container('once', ['sh', '-c', 'exit 3']), sandboxConfig: cfg });
    await f.cri.runtime.startContainer({ containerId });
    await f.exited(containerId);
    await f.cri.runtime.removeContainer({ containerId });
    await f.cri.runtime.stopPodSandbox({ podSandboxId: pod });
    await f.cri.runtime.removePodSandbox({ podSandboxId: pod });
    const E = ContainerEventType;
    const expected = [
      [pod, E.CONTAINER_CREATED_EVENT],
      [pod, E.CONTAINER_STARTED_EVENT],
      [containerId, E.CONTAINER_CREATED_EVENT],
      [containerId, E.CONTAINER_STARTED_EVENT],
      [containerId, E.CONTAINER_STOPPED_EVENT],
      [containerId, E.CONTAINER_DELETED_EVENT],
      [pod, E.CONTAINER_STOPPED_EVENT],
      [pod, E.CONTAINER_DELETED_EVENT],
    ];
    await until('all events', () => watch.got.length >= expected.length);
    expect(watch.got.map((e) => [e.containerId, e.containerEventType])).toEqual(expected);
    const stopped = watch.got[4];
    expect(stopped?.podSandboxStatus?.id).toBe(pod);
    expect(stopped?.containersStatuses.map((c) => [c.id, c.exitCode])).toEqual([[containerId, 3]]);
    expect(stopped?.createdAt).toBeGreaterThan(0n);
    watch.cancel();
    await watch.ended;
    expect(early.got).toEqual([]);

    // Cancelled mid-stream: a new stream still gets what follows.
    const again = collect(f.cri);
    await new Promise((r) => setTimeout(r, 200));
    const { podSandboxId: pod2 } = await f.cri.runtime.runPodSandbox({ config: f.sandboxConfig('ev2') });
    await until('events of the second pod', () => again.got.length >= 2);
    again.cancel();
    await again.ended;
    await f.cri.runtime.removePodSandbox({ podSandboxId: pod2 });
    expect((await f.cri.runtime.version({})).runtimeName).toBe('containerd-ts');
  });

  test('CheckpointContainer is refused', async () => {
    expect(await callError(f.cri.runtime.checkpointContainer({ containerId: 'a'.repeat(64), location: '/tmp/x' }))).toMatchObject({ code: Code.UNIMPLEMENTED, message: expect.stringContaining('not supported') });
  });
});
