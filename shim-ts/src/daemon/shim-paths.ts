// Where a shim group lives: <stateDir>/<group>/{shim.sock, shim.pid, keeper.pid, shim.log, tasks/<ns>/<id>/}.
import * as path from 'node:path';
import { isValidId } from '@stack/runc-ts';

export const DEFAULT_STATE_DIR = '/run/containerd-ts/shims';
export const DEFAULT_RUNTIME_ROOT = '/run/containerd-ts/runc';

export interface ShimPaths {
  dir: string;
  socket: string;
  pidFile: string;
  /** The keeper's pid (only with `start --keeper`). */
  keeperPidFile: string;
  logFile: string;
  tasksDir: string;
}

export function shimPaths(stateDir: string, group: string): ShimPaths {
  // The group names a directory under stateDir: one safe path component ('.' and '..' refused).
  if (!isValidId(group)) throw new Error(`invalid shim group ${JSON.stringify(group)}`);
  const dir = path.join(stateDir, group);
  return {
    dir,
    socket: path.join(dir, 'shim.sock'),
    pidFile: path.join(dir, 'shim.pid'),
    keeperPidFile: path.join(dir, 'keeper.pid'),
    logFile: path.join(dir, 'shim.log'),
    tasksDir: path.join(dir, 'tasks'),
  };
}
