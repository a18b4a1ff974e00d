// `exec`: starts another process in a running container: its namespaces, cgroups, capabilities,
// user and limits, as runc does. Detached it returns once the process runs; otherwise it waits.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cgroupManagerFromPaths } from '../cgroups/open.js';
import { runExecChild, type ExecContext } from '../init/exec-child.js';
import { NAMESPACE_FILE } from '../init/namespace-flags.js';
import { hasMountNamespace } from '../init/rootfs.js';
import { SyncChannel } from '../init/sync-channel.js';
import type { NamespaceType, ProcessConfig } from '../spec/config.js';
import { writeFileAtomic } from '../state/atomic-write.js';
import { sendSeccompListener } from '../seccomp/notify-listener.js';
import { type PreparedSeccomp, prepareSeccomp } from '../seccomp/prepare.js';
import { refusal } from '../state/status.js';
import { AF_UNIX, O, PR, SOCK_CLOEXEC, SOCK_SEQPACKET, SOCK_STREAM } from '../syscalls/constants.js';
import { currentStatus } from './container-status.js';
import { forwardSignals, receiveMaster, relayTerminal } from './foreground.js';
import { exitCodeOf, waitForChild } from './process-wait.js';
import type { Runtime } from './runtime.js';

export interface ExecOptions {
  id: string;
  process: ProcessConfig;
  detach?: boolean;
  pidFile?: string;
  consoleSocket?: string;
  preserveFds?: number;
  /** fds of the caller to become the process's stdin/stdout/stderr; default: the caller's own. */
  stdio?: readonly [number, number, number];
  ignorePaused?: boolean;
  /** Make the caller the child subreaper so the process becomes its child (foreground exec, the shim). */
  subreaper?: boolean;
  timeoutMs?: number;
}

function capLast(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  } catch {
    return 40;
  }
}

function sameNamespace(a: string, b: string): boolean {
  try {
    return fs.statSync(a).ino === fs.statSync(b).ino;
  } catch {
    return false;
  }
}

/** Starts the process and returns its host pid once it is about to exec. */
export function startExec(rt: Runtime, opts: ExecOptions, consoleSocketFd?: number): number {
  const { sys } = rt;
  const state = rt.store.load(opts.id);
  const why = refusal('exec', currentStatus(rt.store, state), { ignorePaused: opts.ignorePaused ?? false });
  if (why) throw new Error(why);
  const proc = opts.process;
  if (proc.terminal && consoleSocketFd === undefined && opts.consoleSocket === undefined) {
    throw new Error('process.terminal is true: cannot allocate a terminal without --console-socket');
  }
  const fds: number[] = [];
  let childPid = 0;
  let pid = 0;
  let seccomp: PreparedSeccomp | undefined;
  try {
    if (state.config.seccomp) seccomp = prepareSeccomp(state.config.seccomp, (m) => rt.log.debug(m), (m) => rt.log.warn(m));
    const joinFds: ExecContext['joinFds'] = [];
    for (const n of state.config.namespaces) {
      const file = NAMESPACE_FILE[n.type as NamespaceType];
      const target = `/proc/${state.pid}/ns/${file}`;
      // Joining the namespace we are already in: a no-op for most types, EINVAL for a user namespace.
      if (sameNamespace(target, `/proc/self/ns/${file}`)) continue;
      const fd = sys.open(target, O.RDONLY | O.CLOEXEC);
      fds.push(fd);
      joinFds.push({ type: n.type, fd });
    }
    const [parentEnd, childEnd] = sys.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC);
    fds.push(parentEnd, childEnd);
    if (opts.consoleSocket !== undefined) {
      consoleSocketFd = sys.connectUnix(opts.consoleSocket);
      fds.push(consoleSocketFd);
    }
    const ctx: ExecContext = {
      sys,
      proc,
      sync: new SyncChannel(sys, childEnd),
      joinFds,
      capLast: capLast(),
      userns: state.config.namespaces.some((n) => n.type === 'user'),
      noPivot: state.noPivot,
      ...(hasMountNamespace(state.config) ? {} : { chrootTo: state.config.rootfs }),
      preserveFds: opts.preserveFds ?? 0,
      ...(opts.stdio ? { stdio: opts.stdio } : {}),
      ...(seccomp ? { seccomp } : {}),
      ...(consoleSocketFd !== undefined ? { consoleSocketFd } : {}),
    };
    if (opts.subreaper) sys.prctl(PR.SET_CHILD_SUBREAPER, 1);
    childPid = sys.fork();
    if (childPid === 0) {
      sys.close(parentEnd);
      runExecChild(ctx); // never returns
    }
    sys.close(childEnd);
    fds.splice(fds.indexOf(childEnd), 1);
    const sync = new SyncChannel(sys, parentEnd);
    const timeout = opts.timeoutMs ?? 60_000;
    const warn = (m: string) => rt.log.warn(m);
    pid = sync.expect('pid', timeout, warn).pid;
    sys.waitpid(childPid, 0);
    childPid = 0;
    cgroupManagerFromPaths(state.cgroupPaths).join(pid);
    sync.send({ t: 'go' });
    const execPid = pid;
    sync.expect('ready', timeout, warn, (fd) => {
      const agentState = { ociVersion: state.ociVersion, id: state.id, status: 'running' as const, pid: state.pid, bundle: state.bundle, annotations: state.annotations };
      sendSeccompListener(sys, { pid: execPid, fd, listenerPath: seccomp?.listenerPath, listenerMetadata: seccomp?.listenerMetadata, state: agentState });
      sync.send({ t: 'seccomp-done' });
    });
    if (opts.pidFile) writeFileAtomic(path.resolve(opts.pidFile), String(pid), 0o644);
    return pid;
  } catch (err) {
    for (const p of [childPid, pid]) {
      if (!p) continue;
      try {
        sys.kill(p, 9);
        sys.waitpid(p, 0);
      } catch {
        // gone, or not ours to reap
      }
    }
    throw err;
  } finally {
    seccomp?.release();
    for (const fd of fds) {
      try {
        sys.close(fd);
      } catch {
        // closed already
      }
    }
  }
}

/** `runc exec`: detached, returns 0 once the process runs; otherwise returns its exit code. */
export async function execInContainer(rt: Runtime, opts: ExecOptions): Promise<number> {
  if (opts.detach) {
    startExec(rt, opts);
    return 0;
  }
  const pair = opts.process.terminal && opts.consoleSocket === undefined ? rt.sys.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC) : undefined;
  let pid;
  try {
    pid = startExec(rt, { ...opts, subreaper: true }, pair?.[1]);
  } finally {
    if (pair) rt.sys.close(pair[1]);
  }
  const master = pair ? receiveMaster(rt.sys, pair[0]) : undefined;
  const exited = waitForChild(rt.sys, pid);
  const unforward = forwardSignals(rt.sys, pid, master);
  const unrelay = master ? relayTerminal(master) : undefined;
  try {
    return exitCodeOf(await exited);
  } finally {
    unforward();
    await unrelay?.();
  }
}
