// Resolves a path inside a root the way the kernel would if the root were "/": symlinks (absolute or
// relative) and ".." never lead outside it. A mount destination in an image must never land on the host.
import * as fs from 'node:fs';
import * as path from 'node:path';

const MAX_SYMLINKS = 255;

export interface PathOps {
  lstat(p: string): { isSymbolicLink(): boolean } | undefined;
  readlink(p: string): string;
}

export const hostPathOps: PathOps = {
  lstat(p) {
    try {
      return fs.lstatSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw err;
    }
  },
  readlink: (p) => fs.readlinkSync(p),
};

/** Returns root + the resolved form of `unsafe`; missing components are kept as written. */
export function secureJoin(root: string, unsafe: string, ops: PathOps = hostPathOps): string {
  const resolved: string[] = [];
  const pending = unsafe.split('/');
  let links = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = path.join(root, ...resolved, part);
    const st = ops.lstat(candidate);
    if (st?.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) throw new Error(`too many levels of symbolic links resolving ${unsafe} in ${root}`);
      const target = ops.readlink(candidate);
      if (target.startsWith('/')) resolved.length = 0;
      pending.unshift(...target.split('/'));
      continue;
    }
    resolved.push(part);
  }
  return path.join(root, ...resolved);
}

/** True when `p` is `root` or below it (both absolute and normalised). */
export function isWithin(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith('/') ? root : root + '/');
}
