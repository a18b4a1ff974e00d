// `kill`: a signal to the container's init, or with --all to every process in its cgroup.
import { cgroupManagerFromPaths } from '../cgroups/open.js';
import { refusal } from '../state/status.js';
import { currentStatus } from './container-status.js';
import type { Runtime } from './runtime.js';

export function killContainer(rt: Runtime, id: string, signal: number, all = false): void {
  const state = rt.store.load(id);
  const status = currentStatus(rt.store, state);
  const why = refusal('kill', status);
  if (why) throw new Error(why);
  if (!all) {
    rt.sys.kill(state.pid, signal);
    return;
  }
  const cg = cgroupManagerFromPaths(state.cgroupPaths);
  for (const pid of cg.pids()) {
    try {
      rt.sys.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
  // Frozen tasks act on signals only once thawed.
  if (status === 'paused') cg.thaw();
}
