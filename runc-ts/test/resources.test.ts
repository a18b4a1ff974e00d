// Limits from linux.resources, observed from outside: OOM kills, pids.max stops forks, files hold the values.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RuncFixture } from './helpers/runc-fixture.js';

const fx = new RuncFixture('resources');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8').trim();

test('a memory limit OOM-kills the process that exceeds it', async () => {
  const b = await fx.bundle(['dd', 'if=/dev/zero', 'of=/big/fill', 'bs=1M', 'count=128'], (s) => {
    s.linux!.resources = { ...s.linux!.resources, memory: { limit: 32 * 1024 * 1024 } };
    s.mounts!.push({ destination: '/big', type: 'tmpfs', source: 'tmpfs', options: ['size=256m'] });
  });
  const r = fx.runc(['run', '--bundle', b.dir, b.id]);
  expect(r.code).toBe(128 + 9);
});

test('pids.max stops forks', async () => {
  const r = await fx.exec(['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 1 & done; wait; echo done'], (s) => {
    s.linux!.resources = { ...s.linux!.resources, pids: { limit: 5 } };
  });
  expect(r.stderr).toMatch(/can't fork/);
});

test('limits are written to the cgroup files', async () => {
  const b = await fx.bundle(['sleep', '30'], (s) => {
    s.linux!.resources = {
      ...s.linux!.resources,
      memory: { limit: 64 * 1024 * 1024, reservation: 32 * 1024 * 1024, swap: 128 * 1024 * 1024 },
      cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0' },
      pids: { limit: 42 },
    };
  });
  expect(fx.runc(['create', '--bundle', b.dir, b.id]).code).toBe(0);
  const dir = (h: string) => fx.cgroupDirs(b.id).find((d) => d.startsWith(`/sys/fs/cgroup/${h}/`))!;
  expect(read(dir('memory'), 'memory.limit_in_bytes')).toBe(String(64 * 1024 * 1024));
  expect(read(dir('memory'), 'memory.soft_limit_in_bytes')).toBe(String(32 * 1024 * 1024));
  expect(read(dir('memory'), 'memory.memsw.limit_in_bytes')).toBe(String(128 * 1024 * 1024));
  expect(read(dir('cpu'), 'cpu.shares')).toBe('512');
  expect(read(dir('cpu'), 'cpu.cfs_quota_us')).toBe('50000');
  expect(read(dir('cpuset'), 'cpuset.cpus')).toBe('0');
  expect(read(dir('pids'), 'pids.max')).toBe('42');
  expect(read(dir('devices'), 'devices.list')).toContain('c 1:3 rwm');
  expect(fx.runc(['delete', '--force', b.id]).code).toBe(0);
  expect(fx.cgroupDirs(b.id)).toEqual([]);
});

test('cpu shares the kernel clamps are refused with runc\'s message (cgroup v1)', async () => {
  if (!fs.existsSync('/sys/fs/cgroup/cpu/cpu.shares')) return;
  for (const [shares, message] of [
    [1_000_000, 'the maximum allowed cpu-shares is 262144'],
    [1, 'the minimum allowed cpu-shares is 2'],
  ] as const) {
    const b = await fx.bundle(['true'], (s) => {
      s.linux!.resources = { ...s.linux!.resources, cpu: { shares } };
    });
    const r = fx.runc(['create', '--bundle', b.dir, b.id]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
    fx.runc(['delete', '--force', b.id]);
    expect(fx.cgroupDirs(b.id)).toEqual([]);
  }
});

test('device cgroup denies what the spec does not allow', async () => {
  const r = await fx.exec(['sh', '-c', 'mknod /tmp/sda b 8 0 && head -c1 /tmp/sda > /dev/null && echo read || echo denied'], (s) => {
    s.process!.capabilities!.bounding!.push('CAP_MKNOD');
  });
  expect(r.stdout).toBe('denied\n');
});

test("events --stats reports the cgroup's block I/O as runc reads it", async () => {
  // O_DIRECT bypasses the page cache, so the reads reach the block layer in the container's cgroup
  // (where the kernel counts them: this host's v1 throttle files stay at 0 for every cgroup).
  const b = await fx.bundle(['sh', '-c', 'dd if=/bin/busybox of=/dev/null bs=4096 iflag=direct 2>/dev/null; sleep 30']);
  expect(fx.runc(['run', '-d', '--bundle', b.dir, b.id]).code).toBe(0);
  try {
    await new Promise((r) => setTimeout(r, 500));
    const stats = JSON.parse(fx.runc(['events', '--stats', b.id]).stdout) as { data: { blkio: Record<string, Array<{ major: number; minor: number; op: string; value: number }>> } };
    expect(Object.keys(stats.data.blkio).sort()).toEqual(['ioMergedRecursive', 'ioQueuedRecursive', 'ioServiceBytesRecursive', 'ioServiceTimeRecursive', 'ioServicedRecursive', 'ioTimeRecursive', 'ioWaitTimeRecursive', 'sectorsRecursive']);
    const blkio = fx.cgroupDirs(b.id).find((d) => d.startsWith('/sys/fs/cgroup/blkio/'));
    const kernelReads = blkio
      ? read(blkio, fs.existsSync(path.join(blkio, 'blkio.io_service_bytes_recursive')) && read(blkio, 'blkio.io_service_bytes_recursive') !== 'Total 0' ? 'blkio.io_service_bytes_recursive' : 'blkio.throttle.io_service_bytes_recursive')
          .split('\n')
          .filter((l) => / Read /.test(l))
          .reduce((a, l) => a + Number(l.split(' ')[2]), 0)
      : undefined;
    const ours = stats.data.blkio.ioServiceBytesRecursive!.filter((e) => e.op === 'Read').reduce((a, e) => a + e.value, 0);
    if (kernelReads !== undefined) expect(ours).toBe(kernelReads);
  } finally {
    fx.runc(['delete', '--force', b.id]);
  }
});
