// The few Linux calls Node's fs lacks, through koffi: mknod (overlay whiteouts, device nodes),
// extended attributes (opaque dirs, file capabilities), mount/umount for Diff.Apply on views, and a TCP
// socket made in another network namespace (CRI port forwarding).
import * as fs from 'node:fs';
import koffi from 'koffi';
import { constants as osConstants } from 'node:os';

type Fn = (...args: unknown[]) => number;

let lib: { mknod: Fn; lsetxattr: Fn; lgetxattr: Fn; llistxattr: Fn; mount: Fn; umount2: Fn; setns: Fn; socket: Fn } | undefined;

function libc() {
  if (!lib) {
    const c = koffi.load('libc.so.6');
    lib = {
      mknod: c.func('int mknod(const char *path, uint32_t mode, uint64_t dev)') as Fn,
      lsetxattr: c.func('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)') as Fn,
      lgetxattr: c.func('intptr_t lgetxattr(const char *path, const char *name, _Out_ uint8_t *value, size_t size)') as Fn,
      llistxattr: c.func('intptr_t llistxattr(const char *path, _Out_ uint8_t *list, size_t size)') as Fn,
      mount: c.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)') as Fn,
      umount2: c.func('int umount2(const char *target, int flags)') as Fn,
      setns: c.func('int setns(int fd, int nstype)') as Fn,
      socket: c.func('int socket(int domain, int type, int protocol)') as Fn,
    };
  }
  return lib;
}

function errnoName(n: number): string {
  for (const [k, v] of Object.entries(osConstants.errno)) if (v === n) return k;
  return `errno ${n}`;
}

/** An Error shaped like Node's fs errors (code, errno, syscall, path). */
function sysError(syscall: string, path: string): NodeJS.ErrnoException {
  const n = koffi.errno();
  const code = errnoName(n);
  const err: NodeJS.ErrnoException = new Error(`${code}: ${syscall} ${path}`);
  err.code = code;
  err.errno = n;
  err.syscall = syscall;
  err.path = path;
  return err;
}

export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;

function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

export function mknod(path: string, mode: number, major: number, minor: number): void {
  if (libc().mknod(path, mode, makedev(major, minor)) !== 0) throw sysError('mknod', path);
}

export function lsetxattr(path: string, name: string, value: Buffer): void {
  if (libc().lsetxattr(path, name, value, value.length, 0) !== 0) throw sysError('lsetxattr', path);
}

/** The value of an extended attribute, or undefined when the file has none by that name. */
export function lgetxattr(path: string, name: string): Buffer | undefined {
  const buf = Buffer.alloc(4096);
  const n = libc().lgetxattr(path, name, buf, buf.length);
  if (n < 0) {
    const err = sysError('lgetxattr', path);
    if (err.code === 'ENODATA') return undefined;
    throw err;
  }
  return buf.subarray(0, n);
}

/** The names of a file's extended attributes (empty where the filesystem has none). */
export function llistxattr(path: string): string[] {
  const buf = Buffer.alloc(64 * 1024);
  const n = libc().llistxattr(path, buf, buf.length);
  if (n < 0) {
    const err = sysError('llistxattr', path);
    if (err.code === 'ENOTSUP' || err.code === 'EOPNOTSUPP') return [];
    throw err;
  }
  return buf.subarray(0, n).toString('utf8').split('\0').filter((s) => s !== '');
}

export const MS_RDONLY = 1;
export const MS_BIND = 4096;
export const MS_REC = 16384;

export function mount(source: string, target: string, fstype: string, flags: number, data: string): void {
  if (libc().mount(source, target, fstype, flags, data === '' ? null : data) !== 0) throw sysError('mount', target);
}

export const MNT_DETACH = 2;

export function umount(target: string, flags = 0): void {
  if (libc().umount2(target, flags) !== 0) throw sysError('umount2', target);
}

const CLONE_NEWNET = 0x40000000;
const AF_INET = 2;
const SOCK_STREAM_NONBLOCK_CLOEXEC = 1 | 0o4000 | 0o2000000;

/**
 * An unconnected IPv4 TCP socket (its fd) that belongs to the network namespace at `netnsPath`: the
 * calling thread enters the namespace only for the socket() call (a socket keeps the namespace it was
 * made in). Only the network namespace is switched, which a multi-threaded process may do per thread.
 */
export function tcpSocketIn(netnsPath: string): number {
  const c = libc();
  const home = fs.openSync('/proc/thread-self/ns/net', 'r');
  let target: number | undefined;
  try {
    target = fs.openSync(netnsPath, 'r');
    if (c.setns(target, CLONE_NEWNET) !== 0) throw sysError('setns', netnsPath);
    try {
      const fd = c.socket(AF_INET, SOCK_STREAM_NONBLOCK_CLOEXEC, 0);
      if (fd < 0) throw sysError('socket', netnsPath);
      return fd;
    } finally {
      // Back home, or every later socket of this thread would be made in the pod.
      if (c.setns(home, CLONE_NEWNET) !== 0) throw sysError('setns', '/proc/thread-self/ns/net');
    }
  } finally {
    if (target !== undefined) fs.closeSync(target);
    fs.closeSync(home);
  }
}
