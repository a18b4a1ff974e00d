// Finds the cgroup hierarchies mounted on this host: v1 controllers, a cgroup2 mount, or both (hybrid).
import * as fs from 'node:fs';

export type CgroupMode = 'v1' | 'v2' | 'hybrid';

export interface Hierarchies {
  mode: CgroupMode;
  /** v1: controller name (cpu, memory, name=systemd, …) → mount point. */
  v1: Map<string, string>;
  /** The cgroup2 mount point, if any (the whole tree on v2, /sys/fs/cgroup/unified on hybrid). */
  v2?: string;
  /** Controllers the cgroup2 root offers. */
  v2Controllers: Set<string>;
}

const V1_OPTIONS = new Set(['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'hugetlb', 'net_cls', 'net_prio', 'perf_event', 'rdma', 'misc']);

/** Parses /proc/self/mountinfo text into the cgroup hierarchies (pure, for tests). */
export function parseHierarchies(mountinfo: string, readControllers: (mount: string) => string): Hierarchies {
  const v1 = new Map<string, string>();
  let v2: string | undefined;
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const pre = line.slice(0, sep).split(' ');
    const post = line.slice(sep + 3).split(' ');
    const mountPoint = pre[4]?.replace(/\\040/g, ' ');
    const fstype = post[0];
    if (!mountPoint) continue;
    if (fstype === 'cgroup2') {
      v2 ??= mountPoint;
    } else if (fstype === 'cgroup') {
      for (const opt of (post[2] ?? '').split(',')) {
        if ((V1_OPTIONS.has(opt) || opt.startsWith('name=')) && !v1.has(opt)) v1.set(opt, mountPoint);
      }
    }
  }
  const v2Controllers = new Set<string>();
  if (v2) for (const c of readControllers(v2).split(/\s+/)) if (c) v2Controllers.add(c);
  const mode: CgroupMode = v1.size === 0 ? 'v2' : v2 ? 'hybrid' : 'v1';
  return { mode, v1, ...(v2 ? { v2 } : {}), v2Controllers };
}

let cached: Hierarchies | undefined;

export function hierarchies(): Hierarchies {
  cached ??= parseHierarchies(fs.readFileSync('/proc/self/mountinfo', 'utf8'), (m) => {
    try {
      return fs.readFileSync(`${m}/cgroup.controllers`, 'utf8');
    } catch {
      return '';
    }
  });
  return cached;
}

/** This process's cgroup per hierarchy, from /proc/<pid>/cgroup ('' key for cgroup2). */
export function processCgroups(pid: number | 'self' = 'self'): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    for (const c of m[1]!.split(',')) out.set(c, m[2]!);
  }
  return out;
}
