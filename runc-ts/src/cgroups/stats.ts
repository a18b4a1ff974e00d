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
}
