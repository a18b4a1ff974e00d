// Errors from building a container's rootfs, told in the container's own paths: a user sees
// `mkdir /etc/hostname: not a directory`, never the bundle's rootfs path on the host.
import * as path from 'node:path';

/** `p` as the container sees it when it lies under `rootfs`; otherwise unchanged. */
export function containerPath(rootfs: string, p: string): string {
  const rel = path.relative(rootfs, p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? p : `/${rel}`;
}

/** The error's text with every path under `rootfs` replaced by its path in the container. */
export function inContainerTerms(err: unknown, rootfs: string): string {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.syscall === 'string' && typeof e.path === 'string' && typeof e.code === 'string') {
    // Node: "ENOTDIR: not a directory, mkdir '<host path>'"; Go's shape: "mkdir <path>: <reason>".
    // A recursive mkdir fails with EEXIST only where a component is a file: Go's MkdirAll says ENOTDIR.
    const reason = e.code === 'EEXIST' && e.syscall === 'mkdir' ? 'not a directory' : (/^[A-Z0-9]+: ([^,]+)/.exec(e.message)?.[1] ?? e.code);
    return `${e.syscall} ${containerPath(rootfs, e.path)}: ${reason}`;
  }
  const text = err instanceof Error ? err.message : String(err);
  const root = rootfs.replace(/\/+$/, '');
  return text.split(`${root}/`).join('/').split(root).join('/');
}
