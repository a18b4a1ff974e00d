// The Linux implementation of Syscalls: libc through koffi. koffi is loaded and functions are
// declared on first use, so a command pays only for the calls it makes (start/kill/state: none).
import * as fs from 'node:fs';
import type * as Koffi from 'koffi';
import { AF_UNIX, AT_FDCWD, MS, SCM_RIGHTS, SOL_SOCKET, SOCK_CLOEXEC, SOCK_STREAM, SYS } from './constants.js';
import { SyscallError } from './syscall-error.js';
import type { Syscalls } from './syscalls.js';

type Fn = (...args: unknown[]) => unknown;
let koffiModule: typeof Koffi | undefined;
let libc: ReturnType<typeof Koffi.load> | undefined;
const fns = new Map<string, Fn>();

declare const RUNC_TS_KOFFI: string | undefined;
declare const RUNC_TS_KOFFI_NATIVE: string | undefined;

/**
 * koffi, loaded on first use. Inside the startup snapshot `require` knows only Node's built-in
 * modules, so the snapshot build records where koffi is. It also records the native addon koffi's
 * loader picked: loading that directly takes ~1 ms, where the loader (its JS compiled, the platform
 * package resolved, node's ELF header read for the libc) takes ~8 ms of every runc-ts call. The
 * loader's own wrapping only adds deprecated aliases runc-ts does not use.
 */
export function koffi(): typeof Koffi {
  if (!koffiModule) {
    if (typeof RUNC_TS_KOFFI_NATIVE === 'string') {
      try {
        const addon = { exports: {} as typeof Koffi };
        process.dlopen(addon, RUNC_TS_KOFFI_NATIVE);
        koffiModule = addon.exports;
      } catch {
        // moved or rebuilt since the snapshot was made: the loader finds it
      }
    }
    const fromSnapshot = typeof RUNC_TS_KOFFI === 'string' ? RUNC_TS_KOFFI : undefined;
    koffiModule ??= (fromSnapshot ? (require('node:module') as typeof import('node:module')).createRequire(fromSnapshot)(fromSnapshot) : require('koffi')) as typeof Koffi;
  }
  return koffiModule;
}

function fn(name: string, prototype: string): Fn {
  let f = fns.get(name);
  if (!f) {
    libc ??= koffi().load('libc.so.6');
    f = libc.func(prototype) as Fn;
    fns.set(name, f);
  }
  return f;
}

/** Calls a libc function returning int/long; throws SyscallError when it returns -1. */
function check(name: string, ret: unknown, detail = ''): number {
  const n = Number(ret);
  if (n === -1) throw new SyscallError(name, koffi().errno(), detail);
  return n;
}

const MADV_DOFORK = 11;

/**
 * V8 marks the pages of its heap MADV_DONTFORK, so a forked child faults on the first touch of
 * one. Mark every mapping forkable again; a minor GC first keeps the child from waiting on helper
 * threads that do not exist after fork (this is why node must run with --single-threaded
 * --expose-gc). The pass itself allocates, and V8 may map a fresh (DONTFORK) page for it, so the
 * maps are read again until a pass finds no mapping it has not already marked: a page mapped after
 * the last pass killed the child with SIGSEGV whenever the child touched it, depending on heap layout.
 */
function makeForkable(): void {
  const gc = (globalThis as { gc?: (o?: { type: string }) => void }).gc;
  if (!gc || !process.execArgv.includes('--single-threaded')) {
    throw new Error('forking a container needs node started with --single-threaded --expose-gc');
  }
  gc({ type: 'minor' });
  const madvise = fn('madvise', 'int madvise(void *addr, size_t len, int advice)');
  const marked = new Set<string>();
  for (let pass = 0; pass < 10; pass++) {
    if (markNewMappings(madvise, marked) === 0) return;
  }
  throw new Error('cannot fork: the process memory map kept changing while it was being marked forkable');
}

/** madvise(MADV_DOFORK) over each range of /proc/self/maps not in `marked`; returns how many. */
function markNewMappings(madvise: Fn, marked: Set<string>): number {
  const maps = fs.readFileSync('/proc/self/maps', 'latin1');
  let fresh = 0;
  let start = 0;
  while (start < maps.length) {
    let end = maps.indexOf('\n', start);
    if (end < 0) end = maps.length;
    const dash = maps.indexOf('-', start);
    const space = maps.indexOf(' ', dash);
    if (dash > start && space > dash && space < end) {
      const range = maps.slice(start, space);
      if (!marked.has(range)) {
        marked.add(range);
        fresh++;
        const a = BigInt('0x' + maps.slice(start, dash));
        const b = BigInt('0x' + maps.slice(dash + 1, space));
        madvise(a, Number(b - a), MADV_DOFORK); // fails harmlessly on [vsyscall]
      }
    }
    start = end + 1;
  }
  return fresh;
}

function native(len: number): { ptr: unknown; addr: bigint; view: Buffer } {
  const ptr = koffi().alloc('uint8_t', len);
  return { ptr, addr: koffi().address(ptr), view: Buffer.from(koffi().view(ptr, len)) };
}

function sockaddrUn(path: string): Buffer {
  const p = Buffer.from(path);
  if (p.length >= 108) throw new Error(`unix socket path too long (${p.length} bytes, max 107): ${path}`);
  const sa = Buffer.alloc(110);
  sa.writeUInt16LE(AF_UNIX, 0);
  p.copy(sa, 2);
  return sa;
}

export const linux: Syscalls = {
  fork() {
    const forkFn = fn('fork', 'int fork()'); // declared before the marking: declaring allocates
    makeForkable();
    return check('fork', forkFn());
  },
  exit(code) {
    fn('_exit', 'void _exit(int)')(code);
    throw new Error('unreachable');
  },
  getpid() {
    return Number(fn('getpid', 'int getpid()')());
  },
  setsid() {
    check('setsid', fn('setsid', 'int setsid()')());
  },
  unshare(flags) {
    check('unshare', fn('unshare', 'int unshare(int flags)')(flags), `(0x${flags.toString(16)})`);
  },
  setns(fd, nstype) {
    check('setns', fn('setns', 'int setns(int fd, int nstype)')(fd, nstype));
  },
  execve(path, argv, envp) {
    const f = fn('execve', 'int execve(const char *path, const char **argv, const char **envp)');
    f(path, [...argv, null], [...envp, null]);
    throw new SyscallError('exec', koffi().errno(), JSON.stringify(path));
  },
  kill(pid, signal) {
    try {
      process.kill(pid, signal); // no koffi needed: `kill` and `delete` stay cheap
    } catch (err) {
      throw new SyscallError('kill', -((err as NodeJS.ErrnoException).errno ?? 0), `${pid} ${signal}`);
    }
  },
  waitpid(pid, options) {
    const status = [0];
    const r = check('waitpid', fn('waitpid', 'int waitpid(int pid, _Out_ int *status, int options)')(pid, status, options));
    return [r, status[0] ?? 0];
  },
  pidfdOpen(pid) {
    return check('pidfd_open', fn('syscall', 'long syscall(long nr, ...)')(SYS.pidfd_open, 'int', pid, 'unsigned int', 0));
  },
  pidfdGetfd(pidfd, targetFd) {
    return check('pidfd_getfd', fn('syscall', 'long syscall(long nr, ...)')(SYS.pidfd_getfd, 'int', pidfd, 'int', targetFd, 'unsigned int', 0), `fd ${targetFd}`);
  },
  prctl(option, a2 = 0, a3 = 0, a4 = 0, a5 = 0) {
    const f = fn('prctl', 'int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)');
    return check('prctl', f(option, a2, a3, a4, a5), String(option));
  },
  resetSignals() {
    const signal = fn('signal', 'void *signal(int sig, void *handler)');
    for (let s = 1; s <= 31; s++) if (s !== 9 && s !== 19) signal(s, null);
    const empty = Buffer.alloc(128);
    check('sigprocmask', fn('sigprocmask', 'int sigprocmask(int how, void *set, void *old)')(2, empty, null));
  },

  setresuid(uid) {
    check('setresuid', fn('setresuid', 'int setresuid(uint32_t r, uint32_t e, uint32_t s)')(uid, uid, uid), String(uid));
  },
  setresgid(gid) {
    check('setresgid', fn('setresgid', 'int setresgid(uint32_t r, uint32_t e, uint32_t s)')(gid, gid, gid), String(gid));
  },
  setgroups(gids) {
    check('setgroups', fn('setgroups', 'int setgroups(size_t n, void *list)')(gids.length, Uint32Array.from(gids)), gids.join(','));
  },
  capset(effective, permitted, inheritable) {
    const header = Buffer.alloc(8);
    header.writeUInt32LE(0x20080522, 0); // _LINUX_CAPABILITY_VERSION_3, pid 0 = self
    const data = Buffer.alloc(24);
    const word = (v: bigint, i: number) => Number((v >> BigInt(32 * i)) & 0xffffffffn);
    for (let i = 0; i < 2; i++) {
      data.writeUInt32LE(word(effective, i), i * 12);
      data.writeUInt32LE(word(permitted, i), i * 12 + 4);
      data.writeUInt32LE(word(inheritable, i), i * 12 + 8);
    }
    check('capset', fn('syscall', 'long syscall(long nr, ...)')(SYS.capset, 'void *', header, 'void *', data));
  },
  seccompSetFilter(flags, program) {
    // struct sock_fprog { unsigned short len; struct sock_filter *filter; }, both in C memory.
    const filter = native(program.length);
    program.copy(filter.view);
    const fprog = native(16);
    fprog.view.fill(0);
    fprog.view.writeUInt16LE(program.length / 8, 0);
    fprog.view.writeBigUInt64LE(filter.addr, 8);
    if (flags === 0) {
      this.prctl(22 /* PR_SET_SECCOMP */, 2 /* SECCOMP_MODE_FILTER */, Number(fprog.addr));
      return -1;
    }
    const rc = check('seccomp', fn('syscall', 'long syscall(long nr, ...)')(SYS.seccomp, 'unsigned int', 1 /* SECCOMP_SET_MODE_FILTER */, 'unsigned int', flags, 'void *', fprog.ptr));
    return flags & (1 << 3) /* SECCOMP_FILTER_FLAG_NEW_LISTENER */ ? rc : -1;
  },
  setrlimit(resource, soft, hard) {
    const lim = Buffer.alloc(16);
    lim.writeBigUInt64LE(soft, 0);
    lim.writeBigUInt64LE(hard, 8);
    check('setrlimit', fn('setrlimit', 'int setrlimit(int resource, void *rlim)')(resource, lim), String(resource));
  },

  joinSessionKeyring(name) {
    check('keyctl', fn('syscall', 'long syscall(long nr, ...)')(SYS.keyctl, 'int', 1 /* KEYCTL_JOIN_SESSION_KEYRING */, 'const char *', name), name);
  },
  mount(source, target, fstype, flags, data) {
    const f = fn('mount', 'int mount(const char *src, const char *dst, const char *fstype, unsigned long flags, const char *data)');
    check('mount', f(source, target, fstype, flags, data), `${source ?? fstype ?? ''} on ${target}`);
  },
  umount2(target, flags) {
    check('umount2', fn('umount2', 'int umount2(const char *target, int flags)')(target, flags), target);
  },
  mountSetattr(target, flags, attrSet, attrClr) {
    const attr = Buffer.alloc(32); // struct mount_attr: attr_set, attr_clr, propagation, userns_fd
    attr.writeBigUInt64LE(BigInt(attrSet), 0);
    attr.writeBigUInt64LE(BigInt(attrClr), 8);
    const f = fn('syscall', 'long syscall(long nr, ...)');
    check('mount_setattr', f(SYS.mount_setattr, 'int', AT_FDCWD, 'const char *', target, 'unsigned int', flags, 'void *', attr, 'size_t', attr.length), target);
  },
  pivotRoot(newRoot, putOld) {
    check('pivot_root', fn('syscall', 'long syscall(long nr, ...)')(SYS.pivot_root, 'const char *', newRoot, 'const char *', putOld), newRoot);
  },
  chroot(path) {
    check('chroot', fn('chroot', 'int chroot(const char *path)')(path), path);
  },
  chdir(path) {
    check('chdir', fn('chdir', 'int chdir(const char *path)')(path), path);
  },
  fchdir(fd) {
    check('fchdir', fn('fchdir', 'int fchdir(int fd)')(fd));
  },
  mknod(path, mode, dev) {
    check('mknod', fn('mknod', 'int mknod(const char *path, uint32_t mode, uint64_t dev)')(path, mode, dev), path);
  },
  chown(path, uid, gid) {
    check('chown', fn('chown', 'int chown(const char *path, uint32_t uid, uint32_t gid)')(path, uid, gid), path);
  },
  mkfifo(path, mode) {
    check('mkfifo', fn('mkfifo', 'int mkfifo(const char *path, uint32_t mode)')(path, mode), path);
  },
  statfsFlags(path) {
    const buf = Buffer.alloc(120);
    check('statfs', fn('statfs', 'int statfs(const char *path, void *buf)')(path, buf), path);
    // ST_RDONLY…ST_NOEXEC, ST_NOATIME and ST_NODIRATIME share the MS_* bits; the others do not.
    const st = Number(buf.readBigUInt64LE(80));
    let flags = st & (MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.NOATIME | MS.NODIRATIME);
    if (st & 0x1000) flags |= MS.RELATIME;
    if (st & 0x2000) flags |= MS.NOSYMFOLLOW;
    return flags;
  },
  fdPath(fd) {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  },
  sethostname(name) {
    check('sethostname', fn('sethostname', 'int sethostname(const char *name, size_t len)')(name, Buffer.byteLength(name)), name);
  },
  setdomainname(name) {
    check('setdomainname', fn('setdomainname', 'int setdomainname(const char *name, size_t len)')(name, Buffer.byteLength(name)), name);
  },

  open(path, flags, mode = 0) {
    return check('open', fn('open', 'int open(const char *path, int flags, ...)')(path, flags, 'uint32_t', mode), path);
  },
  close(fd) {
    check('close', fn('close', 'int close(int fd)')(fd));
  },
  read(fd, buf) {
    return check('read', fn('read', 'long read(int fd, void *buf, size_t n)')(fd, buf, buf.length));
  },
  write(fd, buf) {
    return check('write', fn('write', 'long write(int fd, void *buf, size_t n)')(fd, buf, buf.length));
  },
  pipe2(flags) {
    const fds = new Int32Array(2);
    check('pipe2', fn('pipe2', 'int pipe2(int *fds, int flags)')(fds, flags));
    return [fds[0]!, fds[1]!];
  },
  eventfd(initval) {
    return check('eventfd', fn('eventfd', 'int eventfd(unsigned int initval, int flags)')(initval, 0o2000000 /* EFD_CLOEXEC */));
  },
  socketpair(domain, type) {
    const fds = new Int32Array(2);
    check('socketpair', fn('socketpair', 'int socketpair(int d, int t, int p, int *fds)')(domain, type, 0, fds));
    return [fds[0]!, fds[1]!];
  },
  dup2(oldfd, newfd) {
    check('dup2', fn('dup2', 'int dup2(int a, int b)')(oldfd, newfd), `${oldfd} ${newfd}`);
  },
  setCloexec(fd, on) {
    check('fcntl', fn('fcntl', 'int fcntl(int fd, int cmd, ...)')(fd, 2, 'int', on ? 1 : 0), `F_SETFD ${fd}`);
  },
  ioctlInt(fd, request, arg) {
    return check('ioctl', fn('ioctl', 'int ioctl(int fd, unsigned long req, ...)')(fd, request, 'long', arg), `0x${request.toString(16)}`);
  },
  ioctlBuf(fd, request, buf) {
    return check('ioctl', fn('ioctl', 'int ioctl(int fd, unsigned long req, ...)')(fd, request, 'void *', buf), `0x${request.toString(16)}`);
  },
  poll(fd, events, timeoutMs) {
    const pfd = Buffer.alloc(8);
    pfd.writeInt32LE(fd, 0);
    pfd.writeInt16LE(events, 4);
    const n = check('poll', fn('poll', 'int poll(void *fds, unsigned long n, int timeout)')(pfd, 1, timeoutMs));
    return n === 0 ? 0 : pfd.readInt16LE(6);
  },

  ifUp(name) {
    const s = check('socket', fn('socket', 'int socket(int d, int t, int p)')(2 /* AF_INET */, 2 /* SOCK_DGRAM */ | SOCK_CLOEXEC, 0));
    try {
      const ifr = Buffer.alloc(40);
      ifr.write(name, 0, 15);
      const ioctl = fn('ioctl', 'int ioctl(int fd, unsigned long req, ...)');
      check('ioctl', ioctl(s, 0x8913 /* SIOCGIFFLAGS */, 'void *', ifr), `SIOCGIFFLAGS ${name}`);
      ifr.writeInt16LE(ifr.readInt16LE(16) | 0x1 /* IFF_UP */, 16);
      check('ioctl', ioctl(s, 0x8914 /* SIOCSIFFLAGS */, 'void *', ifr), `SIOCSIFFLAGS ${name}`);
    } finally {
      this.close(s);
    }
  },
  connectUnix(path) {
    const s = check('socket', fn('socket', 'int socket(int d, int t, int p)')(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const sa = sockaddrUn(path);
    try {
      check('connect', fn('connect', 'int connect(int fd, void *addr, uint32_t len)')(s, sa, sa.length), path);
    } catch (err) {
      this.close(s);
      throw err;
    }
    return s;
  },
  listenUnix(path, backlog) {
    const s = check('socket', fn('socket', 'int socket(int d, int t, int p)')(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const sa = sockaddrUn(path);
    try {
      check('bind', fn('bind', 'int bind(int fd, void *addr, uint32_t len)')(s, sa, sa.length), path);
      check('listen', fn('listen', 'int listen(int fd, int backlog)')(s, backlog), path);
    } catch (err) {
      this.close(s);
      throw err;
    }
    return s;
  },
  accept(fd) {
    return check('accept4', fn('accept4', 'int accept4(int fd, void *addr, void *len, int flags)')(fd, null, null, SOCK_CLOEXEC));
  },
  sendFd(sock, fd, payload) {
    const data = native(Math.max(payload.length, 1));
    payload.copy(data.view);
    const iov = native(16);
    iov.view.writeBigUInt64LE(data.addr, 0);
    iov.view.writeBigUInt64LE(BigInt(Math.max(payload.length, 1)), 8);
    const ctl = native(24); // CMSG_SPACE(sizeof(int))
    ctl.view.fill(0);
    ctl.view.writeBigUInt64LE(20n, 0); // CMSG_LEN(sizeof(int))
    ctl.view.writeInt32LE(SOL_SOCKET, 8);
    ctl.view.writeInt32LE(SCM_RIGHTS, 12);
    ctl.view.writeInt32LE(fd, 16);
    const msg = Buffer.alloc(56);
    msg.writeBigUInt64LE(iov.addr, 16);
    msg.writeBigUInt64LE(1n, 24);
    msg.writeBigUInt64LE(ctl.addr, 32);
    msg.writeBigUInt64LE(24n, 40);
    try {
      check('sendmsg', fn('sendmsg', 'long sendmsg(int fd, void *msg, int flags)')(sock, msg, 0));
    } finally {
      for (const p of [data, iov, ctl]) koffi().free(p.ptr);
    }
  },
  recvFd(sock, payload) {
    const data = native(Math.max(payload.length, 1));
    const iov = native(16);
    iov.view.writeBigUInt64LE(data.addr, 0);
    iov.view.writeBigUInt64LE(BigInt(Math.max(payload.length, 1)), 8);
    const ctlLen = 64;
    const ctl = native(ctlLen);
    ctl.view.fill(0);
    const msg = Buffer.alloc(56);
    msg.writeBigUInt64LE(iov.addr, 16);
    msg.writeBigUInt64LE(1n, 24);
    msg.writeBigUInt64LE(ctl.addr, 32);
    msg.writeBigUInt64LE(BigInt(ctlLen), 40);
    try {
      const n = check('recvmsg', fn('recvmsg', 'long recvmsg(int fd, void *msg, int flags)')(sock, msg, 0x40000000 /* MSG_CMSG_CLOEXEC */));
      data.view.copy(payload, 0, 0, Math.min(n, payload.length));
      const fds: number[] = [];
      const controllen = Number(msg.readBigUInt64LE(40));
      if (controllen >= 16) {
        const len = Number(ctl.view.readBigUInt64LE(0));
        if (ctl.view.readInt32LE(8) === SOL_SOCKET && ctl.view.readInt32LE(12) === SCM_RIGHTS) {
          for (let off = 16; off + 4 <= len; off += 4) fds.push(ctl.view.readInt32LE(off));
        }
      }
      return { length: n, fds };
    } finally {
      for (const p of [data, iov, ctl]) koffi().free(p.ptr);
    }
  },
};
