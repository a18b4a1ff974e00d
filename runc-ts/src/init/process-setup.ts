// Turning a forked child into the container's process, shared by the init and by exec: terminal,
// rlimits, capabilities around the uid switch, cwd, program lookup, then execve.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProcessConfig } from '../spec/config.js';
import { PR } from '../syscalls/constants.js';
import { SyscallError } from '../syscalls/syscall-error.js';
import type { Syscalls } from '../syscalls/syscalls.js';
import { applyBoundingSet, applyCapabilities } from './capabilities.js';
import { setupConsole } from './console.js';
import { lookPath } from './exec-path.js';
import { homeOf } from './passwd.js';
import type { PreparedSeccomp } from '../seccomp/prepare.js';

export interface ProcessContext {
  sys: Syscalls;
  proc: ProcessConfig;
  capLast: number;
  /** The process is in a user namespace whose gid map may deny setgroups. */
  userns: boolean;
  consoleSocketFd?: number;
  /** fds (in this process) to become the process's stdin, stdout and stderr; default: ours. */
  stdio?: readonly [number, number, number];
  seccomp?: PreparedSeccomp;
  /**
   * Hands the filter's notify listener fd to runc-ts (which passes it to linux.seccomp.listenerPath)
   * and returns once runc-ts has it; called right after the filter is loaded, as runc does.
   */
  sendSeccompListener?: (fd: number) => void;
  /** Runs while still privileged, before any seccomp filter is loaded. */
  beforePrivilegeDrop?: () => void;
}

export interface PreparedProcess {
  program: string;
  env: string[];
}

function setupUser(c: ProcessContext): void {
  const { sys, proc } = c;
  const { uid, gid, additionalGids } = proc.user;
  sys.prctl(PR.SET_KEEPCAPS, 1);
  if (!(c.userns && additionalGids.length === 0)) sys.setgroups(additionalGids);
  sys.setresgid(gid);
  sys.setresuid(uid);
  sys.prctl(PR.SET_KEEPCAPS, 0);
}

function loadSeccomp(c: ProcessContext): void {
  if (!c.seccomp) return;
  const listener = c.seccomp.load(c.sys);
  if (listener < 0) return;
  if (!c.sendSeccompListener) throw new Error('seccomp: the filter has a notify listener but nothing to send it to');
  c.sendSeccompListener(listener);
  c.sys.close(listener);
}

/** Everything up to (not including) execve; leaves the process as the user with its capabilities. */
export function prepareProcess(c: ProcessContext): PreparedProcess {
  const { sys, proc } = c;
  if (c.stdio && !proc.terminal) c.stdio.forEach((fd, i) => fd !== i && sys.dup2(fd, i));
  if (proc.terminal) {
    if (c.consoleSocketFd === undefined) throw new Error('process.terminal is true but no console socket was given (--console-socket)');
    setupConsole(sys, c.consoleSocketFd, proc.user.uid, proc.consoleSize);
  }
  for (const r of proc.rlimits) sys.setrlimit(r.resource, BigInt(r.soft), BigInt(r.hard));
  c.beforePrivilegeDrop?.();
  // Without no_new_privs, installing a filter needs CAP_SYS_ADMIN: load it before capabilities are
  // dropped and the user switched (runc's order); what follows then runs under the filter.
  if (!proc.noNewPrivileges) loadSeccomp(c);
  applyBoundingSet(sys, proc.capabilities, c.capLast);
  setupUser(c);
  applyCapabilities(sys, proc.capabilities);
  const env = proc.env.some((e) => e.startsWith('HOME=')) ? proc.env : [...proc.env, `HOME=${homeOf(proc.user.uid)}`];
  try {
    sys.chdir(proc.cwd);
  } catch (err) {
    // runc's text: the reason only (the SyscallError's text repeats the call and the errno name).
    const reason = err instanceof SyscallError ? (err.message.split(': ').at(-1) ?? err.code) : (err as Error).message;
    throw new Error(`chdir to cwd (${JSON.stringify(proc.cwd)}) set in config.json failed: ${reason}`);
  }
  const found = lookPath(proc.args[0]!, env, proc.cwd);
  if (proc.noNewPrivileges) {
    sys.prctl(PR.SET_NO_NEW_PRIVS, 1);
    // With no_new_privs any process may install a filter: as late as runc does it, after the program
    // is found and while the channel to runc-ts is still open (the listener fd goes over it).
    loadSeccomp(c);
  }
  return { program: found.startsWith('/') ? found : path.resolve(proc.cwd, found), env };
}

/** The last steps: stdio and preserved fds survive exec, Node's signal dispositions do not. */
export function execProcess(sys: Syscalls, proc: ProcessConfig, prepared: PreparedProcess, preserveFds: number): never {
  for (let fd = 0; fd < 3 + preserveFds; fd++) {
    try {
      sys.setCloexec(fd, false);
    } catch {
      // a closed stdio fd stays closed
    }
  }
  sys.resetSignals();
  process.umask(proc.user.umask);
  return sys.execve(prepared.program, proc.args, prepared.env);
}

/** Reports a failure to the parent if it still listens, else on stderr; then exits. */
export function dieInChild(sys: Syscalls, send: (message: string) => void, err: unknown, who: string): never {
  const message = err instanceof Error ? err.message : String(err);
  try {
    send(message);
  } catch {
    try {
      fs.writeSync(2, `${who}: ${message}\n`);
    } catch {
      // nothing left to tell
    }
  }
  return sys.exit(127);
}
