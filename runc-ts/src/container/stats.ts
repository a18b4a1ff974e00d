// Container statistics in the shape of runc's `events --stats` JSON.
import { cgroupManagerFromPaths } from '../cgroups/open.js';
import type { CgroupStats } from '../cgroups/stats.js';
import type { Runtime } from './runtime.js';

export interface StatsEvent {
  type: 'stats';
  id: string;
  data: CgroupStats;
}

export function containerStats(rt: Runtime, id: string): StatsEvent {
  const state = rt.store.load(id);
  return { type: 'stats', id, data: cgroupManagerFromPaths(state.cgroupPaths).stats() };
}
