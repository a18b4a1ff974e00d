// cgroup v1 (and the v1 side of a hybrid host): one directory per mounted controller.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type BlockIOConfig, type DeviceRule, THROTTLE_FIELDS, type ThrottleField } from '../spec/config.js';
import { CgroupError } from './cgroup-error.js';
import { DeviceEmulator } from './device-emulator.js';
import { listPids, readCgroupFile, readKeyValues, removeCgroupDir, tryReadCgroupFile, writeCgroupFile } from './cgroup-files.js';
import type { CgroupManager } from './manager.js';
import { emptyBlkio, parseBlkioV1, type BlkioStats, type CgroupStats } from './stats.js';

export function deviceRuleLine(r: DeviceRule): string {
  if (r.type === 'a') return 'a *:* rwm';
  return `${r.type} ${r.major ?? '*'}:${r.minor ?? '*'} ${r.access}`;
}

/** memory.limit_in_bytes; EBUSY (below what the group already uses) is reported with the usage, as runc does. */
function setMemoryLimit(d: string, limit: number): void {
  try {
    fs.writeFileSync(path.join(d, 'memory.limit_in_bytes'), String(limit));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EBUSY') return writeCgroupFile(d, 'memory.limit_in_bytes', limit);
    const usage = readCgroupFile(d, 'memory.usage_in_bytes');
    const peak = readCgroupFile(d, 'memory.max_usage_in_bytes');
    throw new CgroupError(`unable to set memory limit to ${limit} (current usage: ${usage}, peak usage: ${peak})`);
  }
}

/**
 * The kernel keeps memory.memsw.limit_in_bytes >= memory.limit_in_bytes at every write, so the order
 * matters. runc's rule: when both are given, swap goes first if it is unlimited or above the current
 * memory limit (raising), else the memory limit goes first (lowering). A memory limit of -1 without a
 * swap value makes swap unlimited too, where the kernel accounts swap.
 */
export function setMemoryAndSwap(d: string, limit: number | undefined, swap: number | undefined): void {
  const hasSwap = fs.existsSync(path.join(d, 'memory.memsw.limit_in_bytes'));
  if (limit === -1 && swap === undefined && hasSwap) swap = -1;
  if (swap !== undefined && !hasSwap) {
    throw new CgroupError('a swap limit was requested but this kernel has no swap accounting (memory.memsw.limit_in_bytes)');
  }
  const setSwap = () => swap !== undefined && writeCgroupFile(d, 'memory.memsw.limit_in_bytes', swap);
  const setLimit = () => limit !== undefined && setMemoryLimit(d, limit);
  if (limit !== undefined && swap !== undefined && (swap === -1 || BigInt(readCgroupFile(d, 'memory.limit_in_bytes')) < BigInt(swap))) {
    setSwap();
    setLimit();
    return;
  }
  setLimit();
  setSwap();
}

const THROTTLE_FILES: Readonly<Record<ThrottleField, string>> = {
  throttleReadBpsDevice: 'blkio.throttle.read_bps_device',
  throttleWriteBpsDevice: 'blkio.throttle.write_bps_device',
  throttleReadIOPSDevice: 'blkio.throttle.read_iops_device',
  throttleWriteIOPSDevice: 'blkio.throttle.write_iops_device',
};

/**
 * As runc's blkio controller writes them: the CFQ files (blkio.weight, blkio.weight_device) where the
 * kernel has them, else BFQ's (blkio.bfq.*); one "major:minor value" line per device and file. On a
 * host with neither scheduler's files a weight fails, as with runc.
 */
function applyBlkio(d: string, b: BlockIOConfig): void {
  const cfq = fs.existsSync(path.join(d, 'blkio.weight'));
  if (b.weight) writeCgroupFile(d, cfq ? 'blkio.weight' : 'blkio.bfq.weight', b.weight);
  if (b.leafWeight) writeCgroupFile(d, 'blkio.leaf_weight', b.leafWeight);
  for (const wd of b.weightDevice ?? []) {
    if (wd.weight) writeCgroupFile(d, cfq ? 'blkio.weight_device' : 'blkio.bfq.weight_device', `${wd.major}:${wd.minor} ${wd.weight}`);
    if (wd.leafWeight) writeCgroupFile(d, 'blkio.leaf_weight_device', `${wd.major}:${wd.minor} ${wd.leafWeight}`);
  }
  for (const field of THROTTLE_FIELDS) {
    for (const td of b[field] ?? []) writeCgroupFile(d, THROTTLE_FILES[field], `${td.major}:${td.minor} ${td.rate}`);
  }
}

export class V1Cgroups implements CgroupManager {
  readonly paths: Readonly<Record<string, string>>;
  constructor(
    private readonly v1: Readonly<Record<string, string>>,
    /** The cgroup2 directory to join for membership only (hybrid hosts); recorded under ''. */
    private readonly unified?: string,
  ) {
    this.paths = unified ? { ...v1, '': unified } : { ...v1 };
  }

  private dir(controller: string): string | undefined {
    return this.v1[controller];
  }

  private need(controller: string, what: string): string {
    const d = this.dir(controller);
    if (!d) throw new CgroupError(`${what} requested but the ${controller} cgroup controller is not mounted on this host`);
    return d;
  }

  private dirs(): string[] {
    return [...new Set(Object.values(this.v1))];
  }

  exists(): boolean {
    return this.dirs().some((d) => fs.existsSync(d)) || (this.unified !== undefined && fs.existsSync(this.unified));
  }

  create(): void {
    for (const d of this.dirs()) fs.mkdirSync(d, { recursive: true });
    if (this.unified) fs.mkdirSync(this.unified, { recursive: true });
    const cpuset = this.dir('cpuset');
    if (cpuset) this.inheritCpuset(cpuset);
  }

  /** A new v1 cpuset starts empty and refuses tasks: copy cpus/mems down from the nearest ancestor. */
  private inheritCpuset(leaf: string): void {
    const chain: string[] = [];
    for (let d = leaf; fs.existsSync(path.join(d, 'cpuset.cpus')); d = path.dirname(d)) {
      chain.unshift(d);
      if (d === path.dirname(d)) break;
    }
    for (let i = 1; i < chain.length; i++) {
      for (const f of ['cpuset.cpus', 'cpuset.mems']) {
        if (!tryReadCgroupFile(chain[i]!, f)) writeCgroupFile(chain[i]!, f, readCgroupFile(chain[i - 1]!, f));
      }
    }
  }

  apply(r: Parameters<CgroupManager['apply']>[0]): void {
    if (r.memory) {
      const d = this.need('memory', 'a memory limit');
      const { reservation, swappiness, disableOOMKiller } = r.memory;
      setMemoryAndSwap(d, r.memory.limit, r.memory.swap);
      if (reservation !== undefined) writeCgroupFile(d, 'memory.soft_limit_in_bytes', reservation);
      if (swappiness !== undefined) writeCgroupFile(d, 'memory.swappiness', swappiness);
      if (disableOOMKiller) writeCgroupFile(d, 'memory.oom_control', 1);
    }
    if (r.cpu) {
      const { shares, quota, period, cpus, mems, realtimeRuntime, realtimePeriod, burst } = r.cpu;
      if (shares !== undefined || quota !== undefined || period !== undefined || realtimeRuntime !== undefined || realtimePeriod !== undefined || burst !== undefined) {
        const d = this.need('cpu', 'a cpu limit');
        if (shares !== undefined) {
          writeCgroupFile(d, 'cpu.shares', shares);
          // The kernel clamps shares to [2, 262144]; runc reads the value back and refuses a clamped one.
          const actual = Number(readCgroupFile(d, 'cpu.shares'));
          if (shares > actual) throw new CgroupError(`the maximum allowed cpu-shares is ${actual}`);
          if (shares < actual) throw new CgroupError(`the minimum allowed cpu-shares is ${actual}`);
        }
        if (period !== undefined) writeCgroupFile(d, 'cpu.cfs_period_us', period);
        if (quota !== undefined) writeCgroupFile(d, 'cpu.cfs_quota_us', quota);
        if (burst !== undefined) writeCgroupFile(d, 'cpu.cfs_burst_us', burst);
        if (realtimePeriod !== undefined) writeCgroupFile(d, 'cpu.rt_period_us', realtimePeriod);
        if (realtimeRuntime !== undefined) writeCgroupFile(d, 'cpu.rt_runtime_us', realtimeRuntime);
      }
      if (cpus !== undefined || mems !== undefined) {
        const d = this.need('cpuset', 'a cpuset');
        if (cpus !== undefined) writeCgroupFile(d, 'cpuset.cpus', cpus);
        if (mems !== undefined) writeCgroupFile(d, 'cpuset.mems', mems);
      }
    }
    if (r.pids) writeCgroupFile(this.need('pids', 'a pids limit'), 'pids.max', r.pids.limit < 0 ? 'max' : r.pids.limit);
    if (r.blockIO && Object.keys(r.blockIO).length) applyBlkio(this.need('blkio', 'a block I/O limit'), r.blockIO);
    for (const h of r.hugepageLimits ?? []) {
      writeCgroupFile(this.need('hugetlb', 'a hugepage limit'), `hugetlb.${h.pageSize}.limit_in_bytes`, h.limit);
    }
    if (r.unified && Object.keys(r.unified).length) {
      throw new CgroupError('linux.resources.unified needs cgroup v2, but this host manages resources through cgroup v1');
    }
    if (r.devices) {
      const d = this.dir('devices');
      if (d) {
        DeviceEmulator.check(r.devices);
        writeCgroupFile(d, 'devices.deny', 'a');
        for (const rule of r.devices) writeCgroupFile(d, rule.allow ? 'devices.allow' : 'devices.deny', deviceRuleLine(rule));
      }
    }
  }

  join(pid: number): void {
    for (const d of this.dirs()) writeCgroupFile(d, 'cgroup.procs', pid);
    if (this.unified) writeCgroupFile(this.unified, 'cgroup.procs', pid);
  }

  pids(): number[] {
    const d = this.dir('pids') ?? this.dir('memory') ?? this.dir('freezer') ?? this.dirs()[0];
    return d ? listPids(d) : [];
  }

  freeze(): void {
    const d = this.need('freezer', 'pausing');
    writeCgroupFile(d, 'freezer.state', 'FROZEN');
    for (let i = 0; i < 1000; i++) {
      if (readCgroupFile(d, 'freezer.state') === 'FROZEN') return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      writeCgroupFile(d, 'freezer.state', 'FROZEN');
    }
    writeCgroupFile(d, 'freezer.state', 'THAWED');
    throw new CgroupError(`cannot freeze ${d}: still FREEZING after 1s`);
  }

  thaw(): void {
    writeCgroupFile(this.need('freezer', 'resuming'), 'freezer.state', 'THAWED');
  }

  isFrozen(): boolean {
    const d = this.dir('freezer');
    return d ? tryReadCgroupFile(d, 'freezer.state') === 'FROZEN' : false;
  }

  stats(): CgroupStats {
    const cpuacct = this.dir('cpuacct');
    const cpu = this.dir('cpu');
    const mem = this.dir('memory');
    const pids = this.dir('pids');
    const num = (d: string | undefined, f: string) => Number((d && tryReadCgroupFile(d, f)) || 0);
    const cpuStat = cpu ? readKeyValues(cpu, 'cpu.stat') : {};
    const acct = cpuacct ? readKeyValues(cpuacct, 'cpuacct.stat') : {};
    const ticks = 1e9 / 100; // USER_HZ
    const percpu = cpuacct ? (tryReadCgroupFile(cpuacct, 'cpuacct.usage_percpu') ?? '').split(/\s+/).filter(Boolean).map(Number) : [];
    const raw = mem ? readKeyValues(mem, 'memory.stat') : {};
    const pidsMax = pids ? tryReadCgroupFile(pids, 'pids.max') : undefined;
    const stats: CgroupStats = {
      cpu: {
        usage: { total: num(cpuacct, 'cpuacct.usage'), percpu, kernel: (acct.system ?? 0) * ticks, user: (acct.user ?? 0) * ticks },
        throttling: { periods: cpuStat.nr_periods ?? 0, throttledPeriods: cpuStat.nr_throttled ?? 0, throttledTime: cpuStat.throttled_time ?? 0 },
      },
      memory: {
        usage: { limit: num(mem, 'memory.limit_in_bytes'), usage: num(mem, 'memory.usage_in_bytes'), max: num(mem, 'memory.max_usage_in_bytes'), failcnt: num(mem, 'memory.failcnt') },
        cache: raw.cache ?? 0,
        raw,
      },
      pids: { current: num(pids, 'pids.current'), limit: pidsMax === undefined || pidsMax === 'max' ? 0 : Number(pidsMax) },
      blkio: this.blkioStats(),
    };
    if (mem && fs.existsSync(path.join(mem, 'memory.memsw.usage_in_bytes'))) {
      stats.memory.swap = { limit: num(mem, 'memory.memsw.limit_in_bytes'), usage: num(mem, 'memory.memsw.usage_in_bytes'), max: num(mem, 'memory.memsw.max_usage_in_bytes'), failcnt: num(mem, 'memory.memsw.failcnt') };
    }
    return stats;
  }

  /**
   * As runc reads them: the proportional-weight scheduler's files where the host has them, else the
   * throttle policy's byte and request counts (all that a host without CFQ/BFQ keeps).
   */
  private blkioStats(): BlkioStats {
    const b = emptyBlkio();
    const d = this.dir('blkio');
    if (!d) return b;
    const read = (f: string) => parseBlkioV1(tryReadCgroupFile(d, f));
    b.ioServiceBytesRecursive = read('blkio.io_service_bytes_recursive');
    b.ioServicedRecursive = read('blkio.io_serviced_recursive');
    b.ioQueuedRecursive = read('blkio.io_queued_recursive');
    b.ioServiceTimeRecursive = read('blkio.io_service_time_recursive');
    b.ioWaitTimeRecursive = read('blkio.io_wait_time_recursive');
    b.ioMergedRecursive = read('blkio.io_merged_recursive');
    b.ioTimeRecursive = read('blkio.time_recursive');
    b.sectorsRecursive = read('blkio.sectors_recursive');
    if (b.ioServiceBytesRecursive.length === 0) {
      b.ioServiceBytesRecursive = read('blkio.throttle.io_service_bytes_recursive');
      b.ioServicedRecursive = read('blkio.throttle.io_serviced_recursive');
    }
    return b;
  }

  destroy(): void {
    for (const d of this.dirs()) removeCgroupDir(d);
    if (this.unified) removeCgroupDir(this.unified);
  }
}
