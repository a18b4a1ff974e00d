import * as fs from 'node:fs';
import * as path from 'node:path';

/** The pids in a container's cgroup, from the paths runc-ts recorded (pids controller first). */
export function cgroupPids(paths: Readonly<Record<string, string>>): number[] {
  for (const key of ['pids', 'memory', 'freezer', '', ...Object.keys(paths)]) {
    const dir = paths[key];
    if (!dir) continue;
    try {
      return fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      // try the next hierarchy
    }
  }
  return [];
}
