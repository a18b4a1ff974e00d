// The container's init (pid 1 of its pid namespace) between fork and execve: builds the rootfs,
// drops privileges, reports ready, waits on the exec FIFO for `start`, then becomes the process.
// Synchronous only; it must end in execve or _exit and never return to the event loop.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createsNamespace } from '../spec/config.js';
import { CLONE, O, PR } from '../syscalls/constants.js';
import { applyBoundingSet, applyCapabilities } from './capabilities.js';
import { setupConsole } from './console.js';
import { lookPath } from './exec-path.js';
import type { InitContext } from './init-context.js';
import { homeOf } from './passwd.js';
import { enterRootfs, finishRootfs, prepareRootfs } from './rootfs.js';
import { secureJoin } from './secure-join.js';

function hasHooksBeforePivot(ctx: InitContext): boolean {
  const h = ctx.config.hooks;
  return h.prestart.length > 0 || h.createRuntime.length > 0 || h.createContainer.length > 0;
}

function setupUser(ctx: InitContext): void {
  const { sys, config } = ctx;
  const { uid, gid, additionalGids } = config.process.user;
  sys.prctl(PR.SET_KEEPCAPS, 1);
  // In a user namespace whose gid map was written without setgroups "allow", setgroups fails: skip it then.
  if (!(createsNamespace(config, 'user') && additionalGids.length === 0)) sys.setgroups(additionalGids);
  sys.setresgid(gid);
  sys.setresuid(uid);
  sys.prctl(PR.SET_KEEPCAPS, 0);
}

function withHome(env: string[], uid: number): string[] {
  if (env.some((e) => e.startsWith('HOME='))) return env;
  return [...env, `HOME=${homeOf(uid)}`];
}

/**
 * Messages from the parent, tolerating the 'go' (cgroups joined) that arrives whenever the parent
 * is done with the cgroups, interleaved with the replies we wait for.
 */
class ParentLink {
  private joined = false;
  constructor(private readonly ctx: InitContext) {}

  expect(type: 'hooks-done' | 'go'): void {
    if (type === 'go' && this.joined) return;
    for (;;) {
      const msg = this.ctx.sync.receive();
      if (!msg) throw new Error('runc-ts exited during container set-up');
      if (msg.t === 'go') {
        this.joined = true;
        if (type === 'go') return;
        continue;
      }
      if (msg.t === type) return;
      throw new Error(`unexpected ${msg.t} from runc-ts while waiting for ${type}`);
    }
  }

  /** Waits until the parent has moved us into the container's cgroups, then enters a new cgroup namespace. */
  inCgroups(): void {
    if (this.joined) return;
    this.expect('go');
    if (createsNamespace(this.ctx.config, 'cgroup')) this.ctx.sys.unshare(CLONE.NEWCGROUP);
  }
}

export function runInit(ctx: InitContext): never {
  const { sys, config, sync } = ctx;
  const proc = config.process;
  const parent = new ParentLink(ctx);
  try {
    sys.setsid();
    process.umask(0);
    if (createsNamespace(config, 'network')) sys.ifUp('lo');
    if (proc.oomScoreAdj !== undefined) {
      try {
        fs.writeFileSync('/proc/self/oom_score_adj', String(proc.oomScoreAdj));
      } catch (err) {
        sync.send({ t: 'warn', message: `cannot set oom_score_adj to ${proc.oomScoreAdj}: ${(err as NodeJS.ErrnoException).code}` });
      }
    }
    const rootfsCtx = {
      sys,
      config,
      userns: createsNamespace(config, 'user'),
      cgroupns: createsNamespace(config, 'cgroup'),
      cgroupMounts: ctx.cgroupMounts,
      cgroupV2Only: ctx.cgroupV2Only,
      noPivot: ctx.noPivot,
      beforeCgroupMount: () => parent.inCgroups(),
    };
    prepareRootfs(rootfsCtx);
    fs.mkdirSync(secureJoin(config.rootfs, proc.cwd), { recursive: true, mode: 0o755 });
    if (hasHooksBeforePivot(ctx)) {
      sync.send({ t: 'hooks' });
      parent.expect('hooks-done');
    }
    enterRootfs(rootfsCtx);
    finishRootfs(rootfsCtx);
    if (config.hostname !== undefined) sys.sethostname(config.hostname);
    if (config.domainname !== undefined) sys.setdomainname(config.domainname);
    if (proc.terminal) {
      if (ctx.consoleSocketFd === undefined) throw new Error('process.terminal is true but no console socket was given (--console-socket)');
      setupConsole(sys, ctx.consoleSocketFd, proc.user.uid, proc.consoleSize);
    }
    for (const r of proc.rlimits) sys.setrlimit(r.resource, BigInt(r.soft), BigInt(r.hard));

    parent.inCgroups(); // may unshare the cgroup namespace: before a filter could forbid it
    // Without no_new_privs, installing a filter needs CAP_SYS_ADMIN: load it before capabilities
    // are dropped and the user switched (runc's order); what follows then runs under the filter.
    if (ctx.seccomp && !proc.noNewPrivileges) ctx.seccomp.load();
    applyBoundingSet(sys, proc.capabilities, ctx.capLast);
    setupUser(ctx);
    applyCapabilities(sys, proc.capabilities);
    const env = withHome(proc.env, proc.user.uid);
    try {
      sys.chdir(proc.cwd);
    } catch (err) {
      throw new Error(`chdir to cwd (${JSON.stringify(proc.cwd)}) set in config.json failed: ${(err as Error).message}`);
    }
    const program = lookPath(proc.args[0]!, env, proc.cwd);
    if (proc.noNewPrivileges) sys.prctl(PR.SET_NO_NEW_PRIVS, 1);

    sync.send({ t: 'ready' });
    sync.close();
    // Blocks until `start` opens the FIFO for reading.
    const fifo = sys.open(`/proc/self/fd/${ctx.execFifoFd}`, O.WRONLY | O.CLOEXEC);
    sys.write(fifo, Buffer.from('0'));
    sys.close(fifo);
    sys.close(ctx.execFifoFd);

    for (let fd = 0; fd < 3 + ctx.preserveFds; fd++) {
      try {
        sys.setCloexec(fd, false);
      } catch {
        // a closed stdio fd stays closed
      }
    }
    sys.resetSignals();
    process.umask(proc.user.umask);
    const file = program.startsWith('/') ? program : path.resolve(proc.cwd, program);
    // With no_new_privs any process may install a filter: do it last, so it never blocks our own calls.
    if (ctx.seccomp && proc.noNewPrivileges) ctx.seccomp.load();
    return sys.execve(file, proc.args, env);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    try {
      sync.send({ t: 'error', message });
    } catch {
      // the parent is gone (after start): tell whoever reads stderr
      try {
        fs.writeSync(2, `runc-ts init: ${message}\n`);
      } catch {
        // nothing left to tell
      }
    }
    return sys.exit(127);
  }
}
