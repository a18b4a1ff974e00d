// `exec`: a forked child joins the container's namespaces (user first) and forks the process, which
// then waits until the parent has moved it into the container's cgroups and becomes the process.
import type { NamespaceType, ProcessConfig } from '../spec/config.js';
import type { Syscalls } from '../syscalls/syscalls.js';
import { joinMountNamespace, joinNamespacesButMount } from './join-namespaces.js';
import { dieInChild, execProcess, prepareProcess } from './process-setup.js';
import type { SyncChannel } from './sync-channel.js';
import type { PreparedSeccomp } from '../seccomp/prepare.js';

export interface ExecContext {
  sys: Syscalls;
  proc: ProcessConfig;
  sync: SyncChannel;
  /** The container init's namespaces to join (ours are left out), opened before fork. */
  joinFds: { type: NamespaceType; fd: number }[];
  capLast: number;
  userns: boolean;
  /** The container was created with --no-pivot: its root is a chroot inside its mount namespace. */
  noPivot: boolean;
  /** The container has no mount namespace: its root is a chroot into this (host) path. */
  chrootTo?: string;
  consoleSocketFd?: number;
  preserveFds: number;
  /** The container's seccomp filter, built by the parent (exec'd processes get it too, as with runc). */
  seccomp?: PreparedSeccomp;
  /** fds to dup onto the process's 0, 1, 2 (a caller like the shim hands over pipes). */
  stdio?: readonly [number, number, number];
}

export function runExecChild(ctx: ExecContext): never {
  const { sys, sync } = ctx;
  try {
    joinNamespacesButMount(sys, ctx.joinFds);
    const pid = sys.fork(); // a pid namespace applies only to children
    if (pid === 0) return runExecProcess(ctx);
    sync.send({ t: 'pid', pid });
    return sys.exit(0);
  } catch (err) {
    return dieInChild(sys, (message) => sync.send({ t: 'error', message }), err, 'runc-ts exec');
  }
}

function runExecProcess(ctx: ExecContext): never {
  const { sys, sync } = ctx;
  try {
    joinMountNamespace(sys, ctx.joinFds);
    sync.expect('go');
    if (ctx.noPivot) {
      // setns(mnt) put us at the namespace's root; the container's root is the mount moved on top.
      sys.chdir('/');
      sys.chroot('.');
    }
    if (ctx.chrootTo !== undefined) {
      sys.chdir(ctx.chrootTo);
      sys.chroot('.');
    }
    if (ctx.proc.terminal) sys.setsid();
    const prepared = prepareProcess({
      sys,
      proc: ctx.proc,
      capLast: ctx.capLast,
      userns: ctx.userns,
      ...(ctx.consoleSocketFd !== undefined ? { consoleSocketFd: ctx.consoleSocketFd } : {}),
      ...(ctx.stdio ? { stdio: ctx.stdio } : {}),
      ...(ctx.seccomp ? { seccomp: ctx.seccomp } : {}),
      sendSeccompListener: (fd) => {
        sync.send({ t: 'seccomp', fd });
        sync.expect('seccomp-done');
      },
    });
    sync.send({ t: 'ready' });
    sync.close();
    return execProcess(sys, ctx.proc, prepared, ctx.preserveFds);
  } catch (err) {
    return dieInChild(sys, (message) => sync.send({ t: 'error', message }), err, 'runc-ts exec');
  }
}
