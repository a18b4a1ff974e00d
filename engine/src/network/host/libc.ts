// The few libc calls networking needs that Node lacks (namespaces, mounts, raw sockets), through
// koffi, declared on first use. Each wrapper throws with the errno name on -1.
import * as os from 'node:os';
import type * as Koffi from 'koffi';

type Fn = (...args: unknown[]) => unknown;
let koffiModule: typeof Koffi | undefined;
let lib: ReturnType<typeof Koffi.load> | undefined;
const fns = new Map<string, Fn>();

function fn(prototype: string): Fn {
  let f = fns.get(prototype);
  if (!f) {
    koffiModule ??= require('koffi') as typeof Koffi;
    lib ??= koffiModule.load('libc.so.6');
    f = lib.func(prototype) as Fn;
    fns.set(prototype, f);
  }
  return f;
}

export class LibcError extends Error {
  constructor(
    readonly call: string,
    readonly errno: number,
    detail: string,
  ) {
    const name = Object.entries(os.constants.errno).find(([, v]) => v === errno)?.[0] ?? `errno ${errno}`;
    super(`${call}${detail ? ` ${detail}` : ''}: ${name}`);
    this.name = 'LibcError';
  }

  get code(): string {
    return Object.entries(os.constants.errno).find(([, v]) => v === this.errno)?.[0] ?? `E${this.errno}`;
  }
}

function check(call: string, ret: unknown, detail = ''): number {
  const n = Number(ret);
  // errno is read before any other koffi call can overwrite it.
  if (n === -1) throw new LibcError(call, koffiModule!.errno(), detail);
  return n;
}

export const CLONE_NEWNET = 0x40000000;
export const MS_BIND = 0x1000;
export const MNT_DETACH = 2;
export const AF_INET = 2;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;

export const libc = {
  /** An extended attribute's value, or undefined when the file has none by that name (or no xattrs at all). */
  lgetxattr(file: string, name: string): Buffer | undefined {
    const buf = Buffer.alloc(256);
    const n = Number(fn('intptr_t lgetxattr(const char *path, const char *name, _Out_ uint8_t *value, size_t size)')(file, name, buf, buf.length));
    if (n >= 0) return buf.subarray(0, n);
    const errno = koffiModule!.errno();
    if (errno === os.constants.errno.ENODATA || errno === os.constants.errno.ENOTSUP) return undefined;
    throw new LibcError('lgetxattr', errno, file);
  },
  unshare(flags: number): void {
    check('unshare', fn('int unshare(int flags)')(flags));
  },
  setns(fd: number, nstype: number): void {
    check('setns', fn('int setns(int fd, int nstype)')(fd, nstype));
  },
  bindMount(source: string, target: string): void {
    check('mount', fn('int mount(const char *src, const char *dst, const char *type, unsigned long flags, const void *data)')(source, target, null, MS_BIND, null), `${source} on ${target}`);
  },
  umountDetach(target: string): void {
    check('umount2', fn('int umount2(const char *target, int flags)')(target, MNT_DETACH), target);
  },
  socket(domain: number, type: number): number {
    return check('socket', fn('int socket(int domain, int type, int protocol)')(domain, type, 0));
  },
  setReuseAddr(fd: number): void {
    const one = Buffer.alloc(4);
    one.writeInt32LE(1);
    check('setsockopt', fn('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)')(fd, SOL_SOCKET, SO_REUSEADDR, one, 4));
  },
  bindInet(fd: number, ip: string, port: number): void {
    const sa = Buffer.alloc(16);
    sa.writeUInt16LE(AF_INET, 0);
    sa.writeUInt16BE(port, 2);
    Buffer.from(ip.split('.').map(Number)).copy(sa, 4);
    check('bind', fn('int bind(int fd, const void *addr, uint32_t len)')(fd, sa, 16), `${ip}:${port}`);
  },
  listen(fd: number, backlog: number): void {
    check('listen', fn('int listen(int fd, int backlog)')(fd, backlog));
  },
  close(fd: number): void {
    fn('int close(int fd)')(fd);
  },
};
