// Whether the kernel OOM-killed a process in a container's cgroup: the counter survives until the
// cgroup is removed (Tasks.Delete), so it is read right after the exit. A backstop for the
// /tasks/oom event, which can trail the exit or be lost with a shim that is shutting down.
import * as fs from 'node:fs';

function oomKills(file: string): number {
  try {
    const m = /^oom_kill (\d+)$/m.exec(fs.readFileSync(file, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function wasOomKilled(cgroupsPath: string): boolean {
  const v1 = `/sys/fs/cgroup/memory${cgroupsPath}/memory.oom_control`;
  const v2 = `/sys/fs/cgroup${cgroupsPath}/memory.events`;
  return oomKills(v1) > 0 || oomKills(v2) > 0;
}
