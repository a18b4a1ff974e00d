// stats, update and prune through Debian's stock docker client and the engine CLI against engined.
import * as fs from 'node:fs';
import { spawn } from 'node:child_process';
import { ENGINE_BIN, startStack, waitFor, type Stack } from './support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
});

const ok = (r: { code: number; stdout: string; stderr: string }) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r.stdout;
};

test('docker stats --no-stream: CPU %, memory against the limit, network, pids', async () => {
  ok(await s.docker(['run', '-d', '--name', 'busy', '-m', '64m', 'busybox', 'sh', '-c', 'while :; do :; done']));
  ok(await s.docker(['run', '-d', '--name', 'idle', 'busybox', 'sleep', '1000']));
  const line = ok(await s.docker(['stats', '--no-stream', '--format', '{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}|{{.NetIO}}|{{.BlockIO}}|{{.PIDs}}', 'busy'])).trim();
  const [name, cpu, mem, net, , pids] = line.split('|');
  expect(name).toBe('busy');
  // A busy loop: above zero however loaded the machine is.
  expect(Number(cpu!.replace('%', ''))).toBeGreaterThan(0);
  expect(mem).toMatch(/^[\d.]+[KM]iB \/ 64MiB$/);
  expect(net).toMatch(/^[\d.]+k?B \/ [\d.]+k?B$/);
  expect(pids).toBe('1');
  const all = ok(await s.docker(['stats', '--no-stream', '--format', '{{.Name}}']));
  expect(all.trim().split('\n').sort()).toEqual(['busy', 'idle']);
  const raw = await s.api('GET', '/v1.41/containers/idle/stats?stream=false&one-shot=true');
  expect(raw.status).toBe(200);
  const j = JSON.parse(raw.body) as Record<string, unknown>;
  expect(Object.keys(j).sort()).toEqual(['blkio_stats', 'cpu_stats', 'id', 'memory_stats', 'name', 'networks', 'num_procs', 'pids_stats', 'precpu_stats', 'preread', 'read', 'storage_stats']);
  expect(j.name).toBe('/idle');
}, 60_000);

test('streamed stats: a reading per second until the client goes', async () => {
  const stream = s.engine(['stats', '--format', '{{.Name}} {{.PIDs}}', 'idle'], { timeoutMs: 4000 });
  const r = await stream;
  const lines = r.stdout.split('\n').filter((l) => l.includes('idle 1'));
  expect(lines.length).toBeGreaterThanOrEqual(2);
}, 30_000);

test('engine stats --no-stream prints docker\'s table', async () => {
  const r = ok(await s.engine(['stats', '--no-stream']));
  expect(r).toMatch(/^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS\n/);
  expect(r).toMatch(/\sbusy\s+[\d.]+%\s+[\d.]+[KM]iB \/ 64MiB\s+[\d.]+%/);
  ok(await s.docker(['rm', '-f', 'busy', 'idle']));
}, 30_000);

test('engine stats without names follows containers as they start and go, as docker stats does', async () => {
  const child = spawn(ENGINE_BIN, ['-H', s.host, 'stats', '--format', '{{.Name}}'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await new Promise((r) => setTimeout(r, 1500));
    ok(await s.engine(['run', '-d', '--name', 'latecomer', '--network', 'none', 'busybox', 'sleep', '300']));
    await waitFor(() => out.includes('latecomer'), 15_000, 'the new container in the stats table');
    ok(await s.engine(['rm', '-f', 'latecomer']));
    // After its removal the redrawn table no longer lists it.
    await waitFor(() => {
      const frames = out.split('\x1b[2J\x1b[H');
      return frames.length > 2 && !frames[frames.length - 1]!.includes('latecomer') && !frames[frames.length - 2]!.includes('latecomer');
    }, 15_000, 'the removed container to leave the table');
  } finally {
    child.kill();
  }
}, 60_000);

test('update: limits applied to the running task at once, kept for the next start', async () => {
  ok(await s.engine(['run', '-d', '--name', 'upd', '-m', '64m', 'busybox', 'sleep', '1000']));
  expect(ok(await s.engine(['update', '-m', '32m', '--cpus', '0.5', '--pids-limit', '20', '--restart', 'on-failure:3', 'upd']))).toBe('upd\n');
  const cg = (f: string) => s.engine(['exec', 'upd', 'cat', `/sys/fs/cgroup/${f}`]);
  const v2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers') && !fs.existsSync('/sys/fs/cgroup/memory');
  if (!v2) {
    expect(ok(await cg('memory/memory.limit_in_bytes')).trim()).toBe(String(32 * 1024 * 1024));
    expect(ok(await cg('pids/pids.max')).trim()).toBe('20');
    expect(ok(await cg('cpu/cpu.cfs_quota_us')).trim()).toBe('50000');
  }
  // The stock client sends every field (zeros and an empty restart policy leave values alone).
  const d = await s.docker(['update', '--memory', '48m', '--memory-swap', '96m', '--cpu-shares', '256', '--blkio-weight', '300', 'upd']);
  expect(d.code).toBe(0);
  if (!fs.existsSync('/sys/fs/cgroup/blkio/blkio.weight') && !fs.existsSync('/sys/fs/cgroup/blkio/blkio.bfq.weight')) expect(d.stdout).toMatch(/^upd\nYour kernel does not support Block I\/O weight or the cgroup is not mounted. Weight discarded.\n$/);
  if (!v2) expect(ok(await cg('cpu/cpu.shares')).trim()).toBe('256');
  const stats = ok(await s.docker(['stats', '--no-stream', '--format', '{{.MemUsage}}', 'upd']));
  expect(stats).toMatch(/ \/ 48MiB\n$/);
  const h = JSON.parse(ok(await s.engine(['inspect', '--format', '{{json .HostConfig}}', 'upd']))) as Record<string, unknown>;
  expect(h).toMatchObject({ Memory: 48 * 1024 * 1024, MemorySwap: 96 * 1024 * 1024, NanoCpus: 5e8, CpuShares: 256, PidsLimit: 20, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } });
  // Kept: a restart builds the task from the stored limits.
  ok(await s.engine(['restart', '-t', '0', 'upd']));
  if (!v2) expect(ok(await cg('memory/memory.limit_in_bytes')).trim()).toBe(String(48 * 1024 * 1024));
  const bad = await s.engine(['update', '-m', '1k', 'upd']);
  expect(bad).toMatchObject({ code: 1, stderr: 'Error response from daemon: Minimum memory limit allowed is 6MB\n' });
  ok(await s.engine(['rm', '-f', 'upd']));
}, 60_000);

test('docker system prune -a --volumes -f removes what is unused and reports the space', async () => {
  ok(await s.docker(['create', '--name', 'stopped', '-v', 'prunevol:/data', 'busybox', 'true']));
  ok(await s.docker(['run', '--name', 'ran', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/big bs=1k count=512 2>/dev/null']));
  ok(await s.docker(['network', 'create', 'prunenet']));
  ok(await s.docker(['run', '-d', '--name', 'keeper', 'busybox', 'sleep', '1000']));
  const r = ok(await s.docker(['system', 'prune', '-a', '--volumes', '-f']));
  expect(r).toMatch(/Deleted Containers:\n[0-9a-f]{64}\n[0-9a-f]{64}\n/);
  expect(r).toMatch(/Deleted Networks:\nprunenet\n/);
  expect(r).toMatch(/Deleted Volumes:\nprunevol\n/);
  // busybox stays: keeper uses it.
  expect(r).not.toMatch(/Deleted Images/);
  expect(r).toMatch(/Total reclaimed space: [\d.]+[kM]B\n$/);
  expect(ok(await s.docker(['ps', '-a', '--format', '{{.Names}}'])).trim()).toBe('keeper');
  ok(await s.docker(['rm', '-f', 'keeper']));
}, 60_000);

test('engine container/image/volume/network prune and system prune with filters', async () => {
  ok(await s.engine(['create', '--name', 'ka', '--label', 'keep=1', 'busybox', 'true']));
  ok(await s.engine(['create', '--name', 'kb', 'busybox', 'true']));
  const c = ok(await s.engine(['container', 'prune', '-f', '--filter', 'label!=keep']));
  expect(c).toMatch(/^Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: /);
  expect(ok(await s.engine(['ps', '-a', '--format', '{{.Names}}'])).trim()).toBe('ka');
  expect(ok(await s.engine(['container', 'prune', '-f', '--filter', 'until=1h'])).trim()).toBe('Total reclaimed space: 0B');
  ok(await s.engine(['rm', 'ka']));
  ok(await s.engine(['tag', 'busybox', 'spare:2']));
  expect(ok(await s.engine(['image', 'prune', '-f'])).trim()).toBe('Total reclaimed space: 0B');
  const img = ok(await s.engine(['image', 'prune', '-a', '-f']));
  expect(img).toMatch(/Deleted Images:\nuntagged: busybox:latest\nuntagged: spare:2\ndeleted: sha256:[0-9a-f]{64}\n\nTotal reclaimed space: /);
  await waitFor(async () => ok(await s.engine(['images', '-q'])).trim() === '', 5000, 'no images');
  const sys = ok(await s.engine(['system', 'prune', '-f']));
  expect(sys).toMatch(/Total reclaimed space: 0B/);
}, 60_000);
