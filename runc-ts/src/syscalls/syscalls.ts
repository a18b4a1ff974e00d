// The kernel behind an interface (as youki's Syscall trait): the Linux implementation calls libc
// through koffi; the recording fake lets rootfs and namespace logic be unit-tested without root.
// Every method throws SyscallError on failure.

export interface Syscalls {
  // processes
  /** fork() after making the V8 heap forkable; returns 0 in the child. Node must run with --single-threaded --expose-gc. */
  fork(): number;
  exit(code: number): never;
  getpid(): number;
  setsid(): void;
  unshare(flags: number): void;
  setns(fd: number, nstype: number): void;
  execve(path: string, argv: string[], envp: string[]): never;
  kill(pid: number, signal: number): void;
  /** waitpid(pid, options); returns [pid, raw status] (pid 0 with WNOHANG when still running). */
  waitpid(pid: number, options: number): [number, number];
  pidfdOpen(pid: number): number;
  /** pidfd_getfd(2): a copy, in this process, of fd `targetFd` of the process behind `pidfd`. */
  pidfdGetfd(pidfd: number, targetFd: number): number;
  prctl(option: number, arg2?: number, arg3?: number, arg4?: number, arg5?: number): number;
  /** Restores default dispositions for every signal Node ignores or handles and unblocks all signals. */
  resetSignals(): void;

  // identity and privileges
  setresuid(uid: number): void;
  setresgid(gid: number): void;
  setgroups(gids: number[]): void;
  capset(effective: bigint, permitted: bigint, inheritable: bigint): void;
  setrlimit(resource: number, soft: bigint, hard: bigint): void;
  /** keyctl(KEYCTL_JOIN_SESSION_KEYRING, name): a new session keyring for this process. */
  joinSessionKeyring(name: string): void;
  /**
   * Installs a seccomp BPF program (struct sock_filter[]) on this thread: prctl(PR_SET_SECCOMP) when
   * `flags` is 0, else seccomp(SECCOMP_SET_MODE_FILTER, flags). Returns the listener fd when flags ask
   * for one (SECCOMP_FILTER_FLAG_NEW_LISTENER), else -1.
   */
  seccompSetFilter(flags: number, program: Buffer): number;

  // file system
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): void;
  umount2(target: string, flags: number): void;
  /** mount_setattr(2) on `target` and, with AT_RECURSIVE, every mount below it. */
  mountSetattr(target: string, flags: number, attrSet: number, attrClr: number): void;
  pivotRoot(newRoot: string, putOld: string): void;
  chroot(path: string): void;
  chdir(path: string): void;
  fchdir(fd: number): void;
  mknod(path: string, mode: number, dev: bigint): void;
  mkfifo(path: string, mode: number): void;
  chown(path: string, uid: number, gid: number): void;
  /** The mount flags (MS_RDONLY, MS_NOSUID, …) of the mount that holds `path`, from statfs. */
  statfsFlags(path: string): number;
  /** Where an open fd points (readlink of /proc/self/fd/N). */
  fdPath(fd: number): string;
  sethostname(name: string): void;
  setdomainname(name: string): void;

  // file descriptors
  open(path: string, flags: number, mode?: number): number;
  close(fd: number): void;
  read(fd: number, buf: Buffer): number;
  write(fd: number, buf: Buffer): number;
  pipe2(flags: number): [number, number];
  eventfd(initval: number): number;
  socketpair(domain: number, type: number): [number, number];
  dup2(oldfd: number, newfd: number): void;
  setCloexec(fd: number, on: boolean): void;
  ioctlInt(fd: number, request: number, arg: number): number;
  ioctlBuf(fd: number, request: number, buf: Buffer): number;
  poll(fd: number, events: number, timeoutMs: number): number;

  /** Brings a network interface up (the loopback of a new network namespace). */
  ifUp(name: string): void;

  // unix sockets (console socket: the pty master travels as SCM_RIGHTS)
  connectUnix(path: string): number;
  listenUnix(path: string, backlog: number): number;
  accept(fd: number): number;
  sendFd(sock: number, fd: number, payload: Buffer): void;
  /** Receives one message; returns the payload length and the fds that came with it. */
  recvFd(sock: number, payload: Buffer): { length: number; fds: number[] };
}
