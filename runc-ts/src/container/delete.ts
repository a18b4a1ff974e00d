// `delete`: removes a stopped container (or, forced, a live one) and everything it held on the host.
import * as fs from 'node:fs';
import { cgroupManagerFromPaths } from '../cgroups/open.js';
import { ContainerNotFound } from '../state/state-store.js';
import { refusal } from '../state/status.js';
import { SIGNALS } from '../syscalls/constants.js';
import { currentStatus } from './container-status.js';
import { killAndWait } from './create.js';
import { detachHostMounts } from './host-mounts.js';
import { runHooks } from './hooks.js';
import { waitUntil } from './proc-info.js';
import type { Runtime } from './runtime.js';

export function deleteContainer(rt: Runtime, id: string, force = false): void {
  let state;
  try {
    state = rt.store.load(id);
  } catch (err) {
    if (err instanceof ContainerNotFound && fs.existsSync(rt.store.dir(id))) {
      // A create that was killed before it wrote its state: nothing but the directory is left.
      rt.store.remove(id);
      return;
    }
    if (err instanceof ContainerNotFound && force) return;
    throw err;
  }
  const status = currentStatus(rt.store, state);
  const why = refusal('delete', status, { force });
  if (why) throw new Error(why);
  const cg = cgroupManagerFromPaths(state.cgroupPaths);
  // runc kills every process in the cgroup only when the container has no pid namespace of its own
  // (then the init's death does not take its descendants with it). With one, the kernel ends them
  // all with the init, and another process in a shared cgroup is not the container's to kill.
  const ownPidNs = state.config.namespaces.some((n) => n.type === 'pid' && n.path === undefined);
  const others = ownPidNs ? inOurPidNs(cg.pids()) : new Set<number>();
  if (status !== 'stopped') killAndWait(rt, state.pid, state.initStartTime);
  const leftovers = cg.pids().filter((p) => !others.has(p));
  if (leftovers.length) {
    if (!ownPidNs) {
      for (const pid of leftovers) {
        try {
          rt.sys.kill(pid, SIGNALS.KILL!);
        } catch {
          // gone
        }
      }
    }
    if (status === 'paused' || cg.isFrozen()) cg.thaw();
    waitUntil(() => cg.pids().every((p) => others.has(p)), 5000);
  }
  if (state.hostMounts?.length) {
    try {
      detachHostMounts(rt.sys, state.config.rootfs, state.hostMounts);
    } catch (err) {
      rt.log.warn(`cannot detach the container's mounts: ${(err as Error).message}`);
    }
  }
  try {
    cg.destroy();
  } catch (err) {
    rt.log.warn((err as Error).message);
  }
  rt.store.remove(id);
  const hookState = { ociVersion: state.ociVersion, id, pid: state.pid, status: 'stopped', bundle: state.bundle, annotations: state.annotations };
  try {
    runHooks('poststop', state.config.hooks.poststop, hookState);
  } catch (err) {
    rt.log.warn((err as Error).message);
  }
}

/** The pids that are in runc-ts's own pid namespace: host processes sharing the container's cgroup. */
function inOurPidNs(pids: number[]): Set<number> {
  const nsOf = (pid: number | 'self') => {
    try {
      return fs.readlinkSync(`/proc/${pid}/ns/pid`);
    } catch {
      return undefined;
    }
  };
  const ours = nsOf('self');
  return new Set(pids.filter((p) => nsOf(p) === ours));
}
