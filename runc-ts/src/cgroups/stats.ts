// Resource usage of a container's cgroup, in the shape of runc's `events --stats` JSON.
export interface CgroupStats {
  cpu: {
    usage: { total: number; percpu?: number[]; kernel: number; user: number };
    throttling: { periods: number; throttledPeriods: number; throttledTime: number };
  };
  memory: {
    usage: { limit: number; usage: number; max: number; failcnt: number };
    swap?: { limit: number; usage: number; max: number; failcnt: number };
    cache: number;
    raw: Record<string, number>;
  };
  pids: { current: number; limit: number };
  blkio: BlkioStats;
}

/** One line of a blkio/io file: a device, an operation (Read, Write, Sync, Async, Discard, Total or ''), a count. */
export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** runc's names; each list empty where the host's I/O controller does not keep that figure. */
export interface BlkioStats {
  ioServiceBytesRecursive: BlkioEntry[];
  ioServicedRecursive: BlkioEntry[];
  ioQueuedRecursive: BlkioEntry[];
  ioServiceTimeRecursive: BlkioEntry[];
  ioWaitTimeRecursive: BlkioEntry[];
  ioMergedRecursive: BlkioEntry[];
  ioTimeRecursive: BlkioEntry[];
  sectorsRecursive: BlkioEntry[];
}

export function emptyBlkio(): BlkioStats {
  return { ioServiceBytesRecursive: [], ioServicedRecursive: [], ioQueuedRecursive: [], ioServiceTimeRecursive: [], ioWaitTimeRecursive: [], ioMergedRecursive: [], ioTimeRecursive: [], sectorsRecursive: [] };
}

/** A cgroup v1 blkio file: `MAJ:MIN Op N` lines (or `MAJ:MIN N`); the closing `Total N` line has no device. */
export function parseBlkioV1(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    const dev = /^(\d+):(\d+)$/.exec(f[0] ?? '');
    if (!dev) continue;
    const [op, value] = f.length >= 3 ? [f[1]!, f[2]!] : ['', f[1] ?? '0'];
    out.push({ major: Number(dev[1]), minor: Number(dev[2]), op, value: Number(value) });
  }
  return out;
}

/** cgroup v2's io.stat (`MAJ:MIN rbytes=… wbytes=… rios=… wios=…`) in v1's terms, as runc converts it. */
export function parseIoStatV2(text: string | undefined): BlkioStats {
  const b = emptyBlkio();
  for (const line of (text ?? '').split('\n')) {
    const [devText, ...pairs] = line.trim().split(/\s+/);
    const dev = /^(\d+):(\d+)$/.exec(devText ?? '');
    if (!dev) continue;
    const kv = Object.fromEntries(pairs.map((p) => p.split('=') as [string, string]));
    const entry = (op: string, v: string | undefined) => ({ major: Number(dev[1]), minor: Number(dev[2]), op, value: Number(v ?? 0) });
    b.ioServiceBytesRecursive.push(entry('Read', kv.rbytes), entry('Write', kv.wbytes));
    b.ioServicedRecursive.push(entry('Read', kv.rios), entry('Write', kv.wios));
  }
  return b;
}
