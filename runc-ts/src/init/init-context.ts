import type { PreparedSeccomp } from '../seccomp/prepare.js';
import type { ContainerConfig, NamespaceType } from '../spec/config.js';
import type { Syscalls } from '../syscalls/syscalls.js';
import type { CgroupMount } from './rootfs.js';
import type { SyncChannel } from './sync-channel.js';

/** Everything the forked children need; prepared by the parent before fork, inherited by copy. */
export interface InitContext {
  sys: Syscalls;
  config: ContainerConfig;
  sync: SyncChannel;
  /** O_PATH fd of the exec FIFO; the init blocks opening it for writing until `start`. */
  execFifoFd: number;
  /** Connected console socket: the pty master is sent over it. */
  consoleSocketFd?: number;
  noPivot: boolean;
  /** Keep the caller's session keyring instead of joining a new one (--no-new-keyring). */
  noNewKeyring: boolean;
  /** Extra fds (3 … 3+n-1) the process keeps. */
  preserveFds: number;
  /** fds to dup onto the process's 0, 1, 2 (a caller like the shim hands over pipes). */
  stdio?: readonly [number, number, number];
  cgroupMounts: CgroupMount[];
  cgroupV2Only: boolean;
  capLast: number;
  /** Namespaces to join: fds opened on their paths before fork. */
  joinFds: { type: NamespaceType; fd: number }[];
  /** The seccomp filter, built by the parent; the init only loads it. */
  seccomp?: PreparedSeccomp;
}
