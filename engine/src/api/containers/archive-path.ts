// Paths inside a container's root filesystem resolved the way a chroot would: every symlink on the way
// is read and followed relative to the container's root, `..` stops at that root, so no path or link
// can name a host file outside it. The host side is behind a small interface (unit-tested without root).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface PathOps {
  lstat(hostPath: string): fs.Stats;
  readlink(hostPath: string): string;
}

export const hostOps: PathOps = { lstat: (p) => fs.lstatSync(p), readlink: (p) => fs.readlinkSync(p) };

/** Linux gives up after this many links in one lookup (ELOOP). */
const MAX_LINKS = 40;

export class PathError extends Error {
  constructor(
    readonly code: 'ENOENT' | 'ENOTDIR' | 'ELOOP',
    message: string,
  ) {
    super(message);
  }
}

const parts = (p: string): string[] => p.split('/').filter((c) => c !== '' && c !== '.');

/**
 * The container path `p` with every symlink followed (the last component only when `followLast`),
 * as an absolute path in the container. A missing last component is allowed (its parent must exist);
 * a missing or non-directory parent is a PathError.
 */
export function resolveInRoot(root: string, p: string, followLast: boolean, ops: PathOps = hostOps): string {
  const resolved: string[] = [];
  const queue = parts(p);
  let links = 0;
  while (queue.length) {
    const c = queue.shift()!;
    if (c === '..') {
      resolved.pop();
      continue;
    }
    const last = queue.length === 0;
    const host = path.join(root, ...resolved, c);
    let st: fs.Stats;
    try {
      st = ops.lstat(host);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new PathError('ENOTDIR', `/${[...resolved, c].join('/')}`);
      if (code !== 'ENOENT') throw err;
      if (!last) throw new PathError('ENOENT', `/${[...resolved, c].join('/')}`);
      resolved.push(c);
      break;
    }
    if (st.isSymbolicLink() && (!last || followLast)) {
      if (++links > MAX_LINKS) throw new PathError('ELOOP', `/${[...resolved, c].join('/')}`);
      const target = ops.readlink(host);
      if (target.startsWith('/')) resolved.length = 0;
      queue.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
      continue;
    }
    if (!last && !st.isDirectory()) throw new PathError('ENOTDIR', `/${[...resolved, c].join('/')}`);
    resolved.push(c);
  }
  return `/${resolved.join('/')}`;
}

/**
 * How dockerd reads an archive path: relative paths are taken from the root, and a trailing `/` or
 * `/.` means "the directory itself", so a symlink there is followed.
 */
export function splitArchivePath(p: string): { path: string; followLast: boolean; base: string } {
  const abs = p.startsWith('/') ? p : `/${p}`;
  const trailing = /\/\.?$/.test(abs) && abs !== '/';
  const clean = path.posix.normalize(abs);
  // The name the archive's top entry takes: "." for a path ending in "/.", else the last component.
  const base = /\/\.$/.test(abs) ? '.' : clean === '/' ? '/' : path.posix.basename(clean);
  return { path: clean, followLast: trailing, base };
}
