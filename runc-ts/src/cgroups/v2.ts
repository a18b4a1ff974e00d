// cgroup v2 (unified hierarchy): one directory, controllers enabled from the root down.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type BlockIOConfig, THROTTLE_FIELDS, type ThrottleField } from '../spec/config.js';
import { CgroupError } from './cgroup-error.js';
import { listPids, readCgroupFile, readKeyValues, removeCgroupDir, tryReadCgroupFile, writeCgroupFile } from './cgroup-files.js';
import type { CgroupManager } from './manager.js';
import { parseIoStatV2, type CgroupStats } from './stats.js';

/** cgroup v1 cpu.shares (2..262144) → v2 cpu.weight (1..10000), the conversion runc and the kernel docs use. */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return Math.floor(1 + ((shares - 2) * 9999) / 262142);
}

/** blkio.weight (10..1000) → io.weight (1..10000). */
export function blkioToIoWeight(weight: number): number {
  return Math.floor(1 + ((weight - 10) * 9999) / 990);
}

const WANTED = ['cpuset', 'cpu', 'io', 'memory', 'pids', 'hugetlb'];

const IO_MAX_KEYS: Readonly<Record<ThrottleField, string>> = {
  throttleReadBpsDevice: 'rbps',
  throttleWriteBpsDevice: 'wbps',
  throttleReadIOPSDevice: 'riops',
  throttleWriteIOPSDevice: 'wiops',
};

/**
 * The OCI (v1) memory+swap value as cgroup v2's swap-only memory.swap.max, with runc's rules: 0 means
 * unset and -1 unlimited; an unlimited memory limit without a swap value lifts swap too; a swap value
 * needs a memory limit and cannot be below it.
 */
export function swapToV2(memorySwap: number, memory: number): number {
  if (memory === -1 && memorySwap === 0) return -1;
  if (memorySwap === -1 || memorySwap === 0) return memorySwap;
  if (memory === 0 || memory === -1) throw new CgroupError('unable to set swap limit without memory limit');
  if (memory < 0) throw new CgroupError(`invalid memory value: ${memory}`);
  if (memorySwap < memory) throw new CgroupError('memory+swap limit should be >= memory limit');
  return memorySwap - memory;
}

export class V2Cgroups implements CgroupManager {
  readonly paths: Readonly<Record<string, string>>;
  constructor(
    private readonly root: string,
    private readonly dir: string,
    private readonly warn: (msg: string) => void = () => {},
  ) {
    this.paths = { '': dir };
  }

  exists(): boolean {
    return fs.existsSync(this.dir);
  }

  private available(): Set<string> {
    return new Set((tryReadCgroupFile(this.root, 'cgroup.controllers') ?? '').split(/\s+/).filter(Boolean));
  }

  private need(controller: string, what: string): void {
    if (!fs.existsSync(path.join(this.dir, 'cgroup.controllers'))) return;
    const enabled = (tryReadCgroupFile(this.dir, 'cgroup.controllers') ?? '').split(/\s+/);
    if (!enabled.includes(controller)) throw new CgroupError(`${what} requested but the cgroup v2 ${controller} controller is not available in ${this.dir}`);
  }

  create(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const available = this.available();
    const wanted = WANTED.filter((c) => available.has(c));
    if (!wanted.length) return;
    // Each ancestor must delegate the controllers to its children.
    const rel = path.relative(this.root, this.dir).split('/').filter(Boolean);
    let d = this.root;
    for (const part of rel) {
      const have = new Set((tryReadCgroupFile(d, 'cgroup.subtree_control') ?? '').split(/\s+/));
      const missing = wanted.filter((c) => !have.has(c));
      if (missing.length) {
        try {
          writeCgroupFile(d, 'cgroup.subtree_control', missing.map((c) => `+${c}`).join(' '));
        } catch (err) {
          this.warn(`cannot enable controllers ${missing.join(',')} in ${d}: ${(err as Error).message}`);
        }
      }
      d = path.join(d, part);
    }
  }

  apply(r: Parameters<CgroupManager['apply']>[0]): void {
    const d = this.dir;
    if (r.memory) {
      const { limit, swap, reservation, swappiness, disableOOMKiller } = r.memory;
      this.need('memory', 'a memory limit');
      // runc's order on v2 (the two limits are independent here): swap, then memory.
      const swapV2 = swapToV2(swap ?? 0, limit ?? 0);
      if (swapV2 !== 0 || (swap ?? 0) > 0) writeCgroupFile(d, 'memory.swap.max', swapV2 < 0 ? 'max' : swapV2);
      if (limit !== undefined) writeCgroupFile(d, 'memory.max', limit < 0 ? 'max' : limit);
      if (reservation !== undefined) writeCgroupFile(d, 'memory.low', reservation < 0 ? 'max' : reservation);
      if (swappiness !== undefined) this.warn('memory.swappiness has no cgroup v2 equivalent; ignored');
      if (disableOOMKiller) throw new CgroupError('disabling the OOM killer is not possible with cgroup v2');
    }
    if (r.cpu) {
      const { shares, quota, period, cpus, mems, burst } = r.cpu;
      if (shares !== undefined || quota !== undefined || period !== undefined || burst !== undefined) this.need('cpu', 'a cpu limit');
      if (shares !== undefined) writeCgroupFile(d, 'cpu.weight', sharesToWeight(shares));
      if (quota !== undefined || period !== undefined) {
        const [curQuota, curPeriod] = (tryReadCgroupFile(d, 'cpu.max') ?? 'max 100000').split(' ');
        const q = quota === undefined ? curQuota : quota < 0 ? 'max' : String(quota);
        writeCgroupFile(d, 'cpu.max', `${q} ${period ?? curPeriod}`);
      }
      if (burst !== undefined) writeCgroupFile(d, 'cpu.max.burst', burst);
      if (cpus !== undefined || mems !== undefined) this.need('cpuset', 'a cpuset');
      if (cpus !== undefined) writeCgroupFile(d, 'cpuset.cpus', cpus);
      if (mems !== undefined) writeCgroupFile(d, 'cpuset.mems', mems);
    }
    if (r.pids) {
      this.need('pids', 'a pids limit');
      writeCgroupFile(d, 'pids.max', r.pids.limit < 0 ? 'max' : r.pids.limit);
    }
    if (r.blockIO && Object.keys(r.blockIO).length) {
      this.need('io', 'a block I/O limit');
      this.applyIo(r.blockIO);
    }
    for (const h of r.hugepageLimits ?? []) writeCgroupFile(d, `hugetlb.${h.pageSize}.max`, h.limit);
    for (const [k, v] of Object.entries(r.unified ?? {})) writeCgroupFile(d, k, v);
    if (r.devices && r.devices.some((x) => !x.allow || x.type !== 'a')) {
      // Device access on v2 is an eBPF program attached to the cgroup; not loaded by runc-ts yet.
      this.warn('device cgroup rules are not enforced on a cgroup v2 host (no eBPF device filter yet)');
    }
  }

  /**
   * runc's setIo: weights through BFQ's io.bfq.weight when the kernel has it (per-device lines only
   * where BFQ takes them, kernel 5.4+), else io.weight converted from the blkio range; throttles as
   * "major:minor rbps=N" lines in io.max.
   */
  private applyIo(b: BlockIOConfig): void {
    const d = this.dir;
    const bfq = path.join(d, 'io.bfq.weight');
    const hasBfq = (b.weight !== undefined || b.weightDevice !== undefined) && fs.existsSync(bfq);
    // BFQ before 5.4 shows a single number and takes no device lines (read before anything is written).
    const perDevice = hasBfq && !/^\s*\d+\s*$/.test(tryReadCgroupFile(d, 'io.bfq.weight') ?? '');
    if (b.weight) {
      if (hasBfq) writeCgroupFile(d, 'io.bfq.weight', b.weight);
      else writeCgroupFile(d, 'io.weight', blkioToIoWeight(b.weight));
    }
    if (b.leafWeight) this.warn('blockIO.leafWeight has no cgroup v2 equivalent; ignored (as runc)');
    if (b.weightDevice?.length) {
      if (perDevice) {
        for (const wd of b.weightDevice) if (wd.weight) writeCgroupFile(d, 'io.bfq.weight', `${wd.major}:${wd.minor} ${wd.weight}\n`);
      } else this.warn('blockIO.weightDevice needs BFQ with per-device weights (io.bfq.weight), which this host lacks; not applied (as runc)');
    }
    for (const field of THROTTLE_FIELDS) {
      for (const td of b[field] ?? []) writeCgroupFile(d, 'io.max', `${td.major}:${td.minor} ${IO_MAX_KEYS[field]}=${td.rate}`);
    }
  }

  join(pid: number): void {
    writeCgroupFile(this.dir, 'cgroup.procs', pid);
  }

  pids(): number[] {
    return listPids(this.dir);
  }

  freeze(): void {
    writeCgroupFile(this.dir, 'cgroup.freeze', 1);
    for (let i = 0; i < 1000; i++) {
      if (/frozen 1/.test(tryReadCgroupFile(this.dir, 'cgroup.events') ?? '')) return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
    writeCgroupFile(this.dir, 'cgroup.freeze', 0);
    throw new CgroupError(`cannot freeze ${this.dir}: not frozen after 1s`);
  }

  thaw(): void {
    writeCgroupFile(this.dir, 'cgroup.freeze', 0);
  }

  isFrozen(): boolean {
    return tryReadCgroupFile(this.dir, 'cgroup.freeze') === '1';
  }

  stats(): CgroupStats {
    const cpu = readKeyValues(this.dir, 'cpu.stat');
    const mem = readKeyValues(this.dir, 'memory.stat');
    const events = readKeyValues(this.dir, 'memory.events');
    const num = (f: string) => {
      const v = tryReadCgroupFile(this.dir, f);
      return v === undefined || v === 'max' ? 0 : Number(v);
    };
    return {
      cpu: {
        usage: { total: (cpu.usage_usec ?? 0) * 1000, kernel: (cpu.system_usec ?? 0) * 1000, user: (cpu.user_usec ?? 0) * 1000 },
        throttling: { periods: cpu.nr_periods ?? 0, throttledPeriods: cpu.nr_throttled ?? 0, throttledTime: (cpu.throttled_usec ?? 0) * 1000 },
      },
      memory: {
        usage: { limit: num('memory.max'), usage: num('memory.current'), max: num('memory.peak'), failcnt: events.max ?? 0 },
        swap: { limit: num('memory.swap.max'), usage: num('memory.swap.current'), max: 0, failcnt: 0 },
        cache: mem.file ?? 0,
        raw: mem,
      },
      pids: { current: num('pids.current'), limit: num('pids.max') },
      blkio: parseIoStatV2(tryReadCgroupFile(this.dir, 'io.stat')),
    };
  }

  destroy(): void {
    removeCgroupDir(this.dir);
  }
}

export function readFreezeState(dir: string): string {
  return readCgroupFile(dir, 'cgroup.freeze');
}
