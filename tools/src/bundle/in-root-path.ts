import * as fs from 'node:fs';
import * as path from 'node:path';

// Resolves image paths on the host the way the container will see them: symlinks are followed
// with the rootfs as `/`, and `..` stops at the rootfs, so nothing resolved here leaves it even when
// a layer plants a symlink to `/` or to `../../..` (the securejoin approach of runc and containerd).

const MAX_SYMLINKS = 40;

/** Splits an entry name into components, refusing absolute names and `..` outright. */
export function entryComponents(name: string, what: string): string[] {
  if (name.startsWith('/')) throw new Error(`${what}: entry ${name} is an absolute path and would escape the rootfs`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new Error(`${what}: entry ${name} contains '..' and would escape the rootfs`);
  return parts;
}

/**
 * The host path of directory `parts` inside `root`, following symlinks within the root.
 * Missing directories are created (mode 0755) when `create` is set, and reported through `onCreate`.
 */
export function resolveDirInRoot(root: string, parts: readonly string[], create: boolean, onCreate?: (hostPath: string) => void): string {
  const queue = [...parts];
  let resolved: string[] = [];
  let links = 0;
  while (queue.length > 0) {
    const part = queue.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const host = path.join(root, ...resolved, part);
    const st = fs.lstatSync(host, { throwIfNoEntry: false });
    if (st?.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) throw new Error(`too many symlinks resolving ${parts.join('/')}`);
      const target = fs.readlinkSync(host);
      if (target.startsWith('/')) resolved = [];
      queue.unshift(...target.split('/'));
      continue;
    }
    if (!st) {
      if (!create) throw new Error(`${path.posix.join(...resolved, part)} does not exist in the rootfs`);
      fs.mkdirSync(host, { mode: 0o755 });
      onCreate?.(host);
    } else if (!st.isDirectory()) {
      throw new Error(`${path.posix.join(...resolved, part)} is not a directory in the rootfs`);
    }
    resolved.push(part);
  }
  return path.join(root, ...resolved);
}

/** Reads a file of the rootfs (e.g. /etc/passwd) as the container would, or undefined if absent. */
export function readFileInRoot(root: string, name: string): string | undefined {
  const parts = name.split('/').filter((p) => p !== '');
  const last = parts.pop();
  if (!last) return undefined;
  try {
    const dir = resolveDirInRoot(root, [...parts, last].slice(0, -1), false);
    let host = path.join(dir, last);
    const st = fs.lstatSync(host, { throwIfNoEntry: false });
    if (st?.isSymbolicLink()) {
      const target = fs.readlinkSync(host);
      const targetParts = target.startsWith('/') ? target.split('/') : [...path.relative(root, dir).split('/'), ...target.split('/')];
      const targetLast = targetParts.pop() ?? '';
      host = path.join(resolveDirInRoot(root, targetParts, false), targetLast);
      if (fs.lstatSync(host, { throwIfNoEntry: false })?.isSymbolicLink()) return undefined;
    }
    return fs.readFileSync(host, 'utf8');
  } catch {
    return undefined;
  }
}
