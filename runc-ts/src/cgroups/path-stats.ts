// Statistics of any cgroup by its cgroupsPath (not only a container's): what a CRI runtime reads for
// a pod's cgroup parent. A separate entry point of the package (`@stack/runc-ts/cgroup-stats`), free
// of the syscall layer, so a daemon can read cgroups without loading the runtime.
import * as fs from 'node:fs';
import { cgroupManagerFor } from './open.js';
import type { CgroupStats } from './stats.js';

export type { CgroupStats } from './stats.js';

/** The cgroup's statistics; undefined when no hierarchy holds a directory for it. */
export function cgroupStatsAt(cgroupsPath: string): CgroupStats | undefined {
  const m = cgroupManagerFor(cgroupsPath);
  if (!Object.values(m.paths).some((d) => fs.existsSync(d))) return undefined;
  return m.stats();
}
