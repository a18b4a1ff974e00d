// Picks the cgroup manager for this host and resolves a container's cgroupsPath to directories.
import * as path from 'node:path';
import { CgroupError } from './cgroup-error.js';
import { hierarchies, processCgroups } from './hierarchy.js';
import type { CgroupManager } from './manager.js';
import { V1Cgroups } from './v1.js';
import { V2Cgroups } from './v2.js';

/**
 * Resolves cgroupsPath: absolute paths are from each hierarchy's root; relative paths are below
 * the cgroup this process is in (the OCI rule). systemd's "slice:prefix:name" form is refused.
 */
export function cgroupManagerFor(cgroupsPath: string, warn: (msg: string) => void = () => {}): CgroupManager {
  if (/^[^/]*:[^/]*:[^/]*$/.test(cgroupsPath)) {
    throw new CgroupError(`cgroupsPath ${JSON.stringify(cgroupsPath)} is in systemd's slice:prefix:name form; the systemd cgroup driver is not supported, use a path`);
  }
  const h = hierarchies();
  const own = path.isAbsolute(cgroupsPath) ? undefined : processCgroups();
  const under = (mount: string, key: string) => path.join(mount, own ? (own.get(key) ?? '/') : '/', cgroupsPath);
  if (h.mode === 'v2') {
    if (!h.v2) throw new CgroupError('no cgroup hierarchy is mounted');
    return new V2Cgroups(h.v2, under(h.v2, ''), warn);
  }
  const paths: Record<string, string> = {};
  for (const [controller, mount] of h.v1) paths[controller] = under(mount, controller);
  return new V1Cgroups(paths, h.mode === 'hybrid' && h.v2 ? under(h.v2, '') : undefined);
}

/** Reopens the cgroups recorded in a container's state. */
export function cgroupManagerFromPaths(paths: Readonly<Record<string, string>>): CgroupManager {
  const h = hierarchies();
  if (Object.keys(paths).length === 1 && paths[''] !== undefined) return new V2Cgroups(h.v2 ?? '/sys/fs/cgroup', paths['']);
  const { '': unified, ...v1 } = paths;
  return new V1Cgroups(v1, unified);
}
