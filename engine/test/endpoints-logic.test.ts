// The pure parts of issue 16's endpoints, without root: chroot-style path resolution, the stat
// header's Go encodings, prune filters, stats conversion and docker's CPU/memory arithmetic,
// update checks, and the CLI's argument rules.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PathError, resolveInRoot, splitArchivePath } from '../src/api/containers/archive-path.js';
import { goFileMode, goTime } from '../src/api/containers/path-stat.js';
import { parseTimeFilter, pruneFilters } from '../src/api/system/prune-filters.js';
import { parseGoDuration } from '../src/common/go-duration.js';
import { parseNetDev, statsView, systemCpuNs } from '../src/api/containers/stats-view.js';
import { checkUpdate, linuxResources, parseCpuList } from '../src/api/containers/update.js';
import { cpuPercent, memoryUsed, statsRow, type StatsJson } from '../src/cli/commands/stats.js';
import { splitCpArg } from '../src/cli/commands/cp.js';
import { parseRestart } from '../src/cli/commands/update.js';
import { bytesSize, humanSize4 } from '../src/cli/commands/units.js';
import type { HostConfig } from '../src/daemon/state/container-record.js';

describe('resolveInRoot', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'resolve-'));
    fs.mkdirSync(path.join(root, 'etc/sub'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc/passwd'), '');
    fs.symlinkSync('/', path.join(root, 'up'));
    fs.symlinkSync('../../../../..', path.join(root, 'etc/dots'));
    fs.symlinkSync('/etc/sub', path.join(root, 'abs'));
    fs.symlinkSync('loop2', path.join(root, 'loop1'));
    fs.symlinkSync('loop1', path.join(root, 'loop2'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('links and .. stay inside the root', () => {
    expect(resolveInRoot(root, '/up/up/etc', true)).toBe('/etc');
    expect(resolveInRoot(root, '/etc/dots/etc/passwd', true)).toBe('/etc/passwd');
    expect(resolveInRoot(root, '/../../../etc', true)).toBe('/etc');
    expect(resolveInRoot(root, '/abs/x', true)).toBe('/etc/sub/x');
  });
  test('the last link is followed only when asked', () => {
    expect(resolveInRoot(root, '/abs', false)).toBe('/abs');
    expect(resolveInRoot(root, '/abs', true)).toBe('/etc/sub');
  });
  test('missing parents, files as parents and loops are errors; a missing last component is not', () => {
    expect(resolveInRoot(root, '/etc/new', true)).toBe('/etc/new');
    expect(() => resolveInRoot(root, '/nope/x', true)).toThrow(PathError);
    expect(() => resolveInRoot(root, '/etc/passwd/x', true)).toThrow(expect.objectContaining({ code: 'ENOTDIR' }) as Error);
    expect(() => resolveInRoot(root, '/loop1/x', true)).toThrow(expect.objectContaining({ code: 'ELOOP' }) as Error);
  });
  test('archive paths: relative from the root, trailing / and /. follow the link, names as dockerd gives them', () => {
    expect(splitArchivePath('etc')).toEqual({ path: '/etc', followLast: false, base: 'etc' });
    expect(splitArchivePath('/etc/')).toEqual({ path: '/etc/', followLast: true, base: 'etc' });
    expect(splitArchivePath('/etc/.')).toEqual({ path: '/etc', followLast: true, base: '.' });
    expect(splitArchivePath('/')).toEqual({ path: '/', followLast: false, base: '/' });
  });
});

test('Go FileMode and RFC 3339 times as dockerd encodes them', () => {
  expect(goFileMode(0o040755)).toBe(2147484141);
  expect(goFileMode(0o120777)).toBe(134218239);
  expect(goFileMode(0o100644)).toBe(420);
  expect(goFileMode(0o104755)).toBe(0o755 + 2 ** 23);
  expect(goTime(0n, 0n)).toBe('1970-01-01T00:00:00Z');
  expect(goTime(1796309601n, 654475445n)).toBe('2026-12-03T14:53:21.654475445Z');
  expect(goTime(1796309601n, 65506252n)).toBe('2026-12-03T14:53:21.065506252Z');
  expect(goTime(1796309601n, 500000000n)).toBe('2026-12-03T14:53:21.5Z');
});

test('prune filters: until as duration or time, label and label!, dockerd errors', () => {
  expect(parseGoDuration('1h30m')).toBe(5_400_000);
  expect(parseGoDuration('10s')).toBe(10_000);
  expect(parseGoDuration('10')).toBeUndefined();
  expect(parseTimeFilter('10m', 1_000_000)).toBe(400_000);
  expect(parseTimeFilter('1700000000')).toBe(1_700_000_000_000);
  expect(parseTimeFilter('2024-01-02T03:04:05Z')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
  expect(() => parseTimeFilter('bogus')).toThrow('failed to parse value as time or duration: "bogus"');
  const f = pruneFilters(new Map([['label', ['a']], ['label!', ['b=2']]]));
  expect(f.matchLabels({ a: '1' })).toBe(true);
  expect(f.matchLabels({ a: '1', b: '2' })).toBe(false);
  expect(f.matchLabels({ a: '1', b: '3' })).toBe(true);
  expect(f.matchLabels({})).toBe(false);
  expect(() => pruneFilters(new Map([['foo', ['x']]]))).toThrow("Invalid filter 'foo'");
});

test('stats: host CPU time, network counters, the JSON of a stopped container', () => {
  expect(systemCpuNs('cpu  10 20 30 40 50 60 70 80 90 100\ncpu0 1 2 3\n')).toBe(280 * 10_000_000);
  const dev = 'Inter-|   Receive\n face |bytes\n    lo: 10 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0\n  eth0: 806 9 0 1 0 0 0 0 586 7 2 3 0 0 0 0\n';
  expect(parseNetDev(dev)).toEqual({ eth0: { rx_bytes: 806, rx_packets: 9, rx_errors: 0, rx_dropped: 1, tx_bytes: 586, tx_packets: 7, tx_errors: 2, tx_dropped: 3 } });
  const v = statsView({ ID: 'abc', Name: '/c' }, undefined, undefined, 1000);
  expect(v).toMatchObject({ read: '0001-01-01T00:00:00Z', preread: '0001-01-01T00:00:00Z', name: '/c', id: 'abc', memory_stats: {}, pids_stats: {} });
  expect(v).not.toHaveProperty('networks');
});

test("docker's client arithmetic: CPU %, memory without inactive file cache, sizes", () => {
  const s: StatsJson = {
    id: 'f'.repeat(64),
    name: '/web',
    pids_stats: { current: 3 },
    cpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 2 },
    precpu_stats: { cpu_usage: { total_usage: 1_500_000_000 }, system_cpu_usage: 18_000_000_000 },
    memory_stats: { usage: 10 * 1024 * 1024, limit: 64 * 1024 * 1024, stats: { inactive_file: 2 * 1024 * 1024 } },
    blkio_stats: { io_service_bytes_recursive: [{ op: 'Read', value: 4096 }, { op: 'Write', value: 1_500_000 }] },
    networks: { eth0: { rx_bytes: 1086, tx_bytes: 796 } },
  };
  expect(cpuPercent(s)).toBeCloseTo(50);
  expect(memoryUsed(s.memory_stats)).toBe(8 * 1024 * 1024);
  expect(memoryUsed({ usage: 100, stats: { total_inactive_file: 30, inactive_file: 10 } })).toBe(70);
  expect(statsRow(s, false)).toEqual({ ID: 'ffffffffffff', Container: 'ffffffffffff', Name: 'web', CPUPerc: '50.00%', MemUsage: '8MiB / 64MiB', MemPerc: '12.50%', NetIO: '1.086kB / 796B', BlockIO: '4.096kB / 1.5MB', PIDs: 3 });
  expect(humanSize4(528_384)).toBe('528.4kB');
  expect(bytesSize(212_992)).toBe('208KiB');
  expect(bytesSize(25_276_551_168)).toBe('23.54GiB');
});

describe('update', () => {
  const h = { Memory: 64 * 1024 * 1024, MemorySwap: 0, CpuShares: 0, NanoCpus: 0 } as HostConfig;
  test("dockerd's checks", () => {
    expect(() => checkUpdate({ Memory: 1000 }, h, 2, true)).toThrow('Minimum memory limit allowed is 6MB');
    expect(() => checkUpdate({ NanoCpus: 5e8, CpuQuota: 50000 }, h, 2, true)).toThrow('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
    expect(() => checkUpdate({ CpusetCpus: '7' }, h, 2, true)).toThrow('Requested CPUs are not available - requested 7, available: 0-1');
    expect(() => checkUpdate({ MemorySwap: 1024 * 1024 * 8 }, h, 2, true)).toThrow('Minimum memoryswap limit should be larger than memory limit, see usage');
    expect(() => checkUpdate({ BlkioWeight: 5 }, h, 2, true)).toThrow('Range of blkio weight is from 10 to 1000');
    expect(() => checkUpdate({ Devices: [{ PathOnHost: '/dev/null' }] }, h, 2, true)).toThrow('updating Devices is not supported');
    expect(checkUpdate({ BlkioWeight: 300, KernelMemory: 0, Ulimits: null }, h, 2, false).warnings).toEqual(['Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.']);
  });
  test('LinuxResources of the merged limits', () => {
    expect(linuxResources({ ...h, NanoCpus: 5e8, PidsLimit: 20, CpusetCpus: '0' } as HostConfig)).toEqual({ memory: { limit: 64 * 1024 * 1024, swap: 128 * 1024 * 1024 }, cpu: { period: 100_000, quota: 50_000, cpus: '0' }, pids: { limit: 20 } });
    expect(parseCpuList('0-2,4')).toEqual([0, 1, 2, 4]);
    expect(parseCpuList('2-1')).toBeUndefined();
  });
});

test('CLI rules: cp arguments, --restart', () => {
  expect(splitCpArg('web:/etc')).toEqual({ container: 'web', path: '/etc' });
  expect(splitCpArg('./a:b')).toEqual({ path: './a:b' });
  expect(splitCpArg('/tmp/x')).toEqual({ path: '/tmp/x' });
  expect(splitCpArg('-')).toEqual({ path: '-' });
  expect(parseRestart('on-failure:3')).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
  expect(parseRestart('always')).toEqual({ Name: 'always', MaximumRetryCount: 0 });
  expect(() => parseRestart('on-failure:x')).toThrow(/integer/);
});
