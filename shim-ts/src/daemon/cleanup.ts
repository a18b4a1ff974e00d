// `shim-ts delete`: cleans up a task whose shim died — the runtime's container, the rootfs mount —
// and reports the exit the shim recorded (or a kill, when it never recorded one).
import * as path from 'node:path';
import { deleteContainer, runtime, validateId } from '@stack/runc-ts';
import { readExit } from '../exit/exit-record.js';
import { unmountRootfs } from '../mount/rootfs-mounts.js';
import { shimPaths } from './shim-paths.js';

export interface CleanupOptions {
  stateDir: string;
  group: string;
  runtimeRoot: string;
  namespace: string;
  id: string;
  bundle: string;
}

export interface CleanupResult {
  pid: number;
  exitStatus: number;
  exitedAt: string;
}

export function cleanupTask(opts: CleanupOptions): CleanupResult {
  // Both name directories below: refuse anything but one safe path component, before any path is built.
  validateId(opts.namespace);
  validateId(opts.id);
  const taskDir = path.join(shimPaths(opts.stateDir, opts.group).tasksDir, opts.namespace, opts.id);
  const exit = readExit(taskDir, '');
  const rt = runtime({ root: path.join(opts.runtimeRoot, opts.namespace) });
  let pid = exit?.pid ?? 0;
  try {
    pid ||= rt.store.load(opts.id).pid;
  } catch {
    // the runtime has no record
  }
  deleteContainer(rt, opts.id, true);
  unmountRootfs(opts.bundle);
  return { pid, exitStatus: exit?.status ?? 128 + 9, exitedAt: (exit?.exitedAt ?? new Date()).toISOString() };
}
