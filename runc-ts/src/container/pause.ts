// `pause` / `resume`: the freezer (v1 freezer.state, v2 cgroup.freeze).
import { cgroupManagerFromPaths } from '../cgroups/open.js';
import { refusal } from '../state/status.js';
import { currentStatus } from './container-status.js';
import type { Runtime } from './runtime.js';

export function pauseContainer(rt: Runtime, id: string): void {
  const state = rt.store.load(id);
  const why = refusal('pause', currentStatus(rt.store, state));
  if (why) throw new Error(why);
  cgroupManagerFromPaths(state.cgroupPaths).freeze();
}

export function resumeContainer(rt: Runtime, id: string): void {
  const state = rt.store.load(id);
  const why = refusal('resume', currentStatus(rt.store, state));
  if (why) throw new Error(why);
  cgroupManagerFromPaths(state.cgroupPaths).thaw();
}
