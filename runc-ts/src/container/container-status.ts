// The live status of a container, derived the way runc derives it: init alive? FIFO still there? frozen?
import * as fs from 'node:fs';
import { cgroupManagerFromPaths } from '../cgroups/open.js';
import type { ContainerState, StateStore } from '../state/state-store.js';
import type { Status } from '../state/status.js';
import { isAlive } from './proc-info.js';

export function currentStatus(store: StateStore, state: ContainerState): Status {
  if (!isAlive(state.pid, state.initStartTime)) return 'stopped';
  if (fs.existsSync(store.execFifo(state.id))) return 'created';
  try {
    if (cgroupManagerFromPaths(state.cgroupPaths).isFrozen()) return 'paused';
  } catch {
    // no freezer: cannot be paused
  }
  return 'running';
}

/** The OCI state document (`runc state`). */
export function ociState(store: StateStore, state: ContainerState): Record<string, unknown> {
  const status = currentStatus(store, state);
  return {
    ociVersion: state.ociVersion,
    id: state.id,
    pid: status === 'stopped' ? 0 : state.pid,
    status,
    bundle: state.bundle,
    rootfs: state.config.rootfs,
    created: state.created,
    owner: state.owner,
    ...(Object.keys(state.annotations).length ? { annotations: state.annotations } : {}),
  };
}
