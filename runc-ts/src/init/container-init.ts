// The container's init (pid 1 of its pid namespace) between fork and execve: builds the rootfs,
// drops privileges, reports ready, waits on the exec FIFO for `start`, then becomes the process.
// Synchronous only; it must end in execve or _exit and never return to the event loop.
import * as fs from 'node:fs';
import { createsNamespace } from '../spec/config.js';
import { CLONE, O } from '../syscalls/constants.js';
import { runHookInChild } from './child-hooks.js';
import { inContainerTerms } from './container-paths.js';
import type { InitContext } from './init-context.js';
import { joinMountNamespace } from './join-namespaces.js';
import { dieInChild, execProcess, prepareProcess } from './process-setup.js';
import { enterRootfs, finishRootfs, prepareRootfs } from './rootfs.js';
import { secureJoin } from './secure-join.js';

function hasRuntimeHooks(ctx: InitContext): boolean {
  return ctx.config.hooks.prestart.length > 0 || ctx.config.hooks.createRuntime.length > 0;
}

/** Joins a fresh session keyring named after the container, so it does not share the caller's (runc does). */
function joinSessionKeyring(ctx: InitContext): void {
  try {
    ctx.sys.joinSessionKeyring(`_ses.${ctx.config.id}`);
  } catch (err) {
    // Kernels without keys, or a user namespace that may not: the container runs without its own keyring.
    ctx.sync.send({ t: 'warn', message: `cannot join a new session keyring: ${(err as Error).message}` });
  }
}

/**
 * Messages from the parent, tolerating the 'go' (cgroups joined) that arrives whenever the parent
 * is done with the cgroups, interleaved with the replies we wait for.
 */
class ParentLink {
  private joined = false;
  constructor(private readonly ctx: InitContext) {}

  expect(type: 'hooks-done' | 'seccomp-done' | 'go'): void {
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
    joinMountNamespace(sys, ctx.joinFds);
    sys.setsid();
    process.umask(0);
    // Before pivot_root /proc is still the host's: this is our pid as hooks and the parent know it.
    const hostPid = Number(fs.readlinkSync('/proc/self'));
    const hookState = (status: string) => ({ ociVersion: config.ociVersion, id: config.id, pid: hostPid, status, bundle: config.bundle, annotations: config.annotations });
    if (!ctx.noNewKeyring) joinSessionKeyring(ctx);
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
    try {
      fs.mkdirSync(secureJoin(config.rootfs, proc.cwd), { recursive: true, mode: 0o755 });
    } catch (err) {
      // As runc says it (it makes the cwd inside the jail): the container's path, never the host's.
      throw new Error(inContainerTerms(err, config.rootfs));
    }
    if (hasRuntimeHooks(ctx)) {
      // prestart and createRuntime run in the runtime's namespaces: the parent runs them.
      sync.send({ t: 'hooks' });
      parent.expect('hooks-done');
    }
    for (const h of config.hooks.createContainer) runHookInChild(sys, 'createContainer', h, hookState('created'));
    enterRootfs(rootfsCtx);
    finishRootfs(rootfsCtx);
    if (config.hostname !== undefined) sys.sethostname(config.hostname);
    if (config.domainname !== undefined) sys.setdomainname(config.domainname);
    const prepared = prepareProcess({
      sys,
      proc,
      capLast: ctx.capLast,
      userns: createsNamespace(config, 'user'),
      ...(ctx.consoleSocketFd !== undefined ? { consoleSocketFd: ctx.consoleSocketFd } : {}),
      ...(ctx.stdio ? { stdio: ctx.stdio } : {}),
      ...(ctx.seccomp ? { seccomp: ctx.seccomp } : {}),
      // may unshare the cgroup namespace: before a seccomp filter could forbid it
      beforePrivilegeDrop: () => parent.inCgroups(),
      sendSeccompListener: (fd) => {
        sync.send({ t: 'seccomp', fd });
        parent.expect('seccomp-done');
      },
    });

    sync.send({ t: 'ready' });
    sync.close();
    // Blocks until `start` opens the FIFO for reading; `start` then waits for our one message:
    // "0" once the startContainer hooks succeeded, or "E" and the reason.
    const fifo = sys.open(`/proc/self/fd/${ctx.execFifoFd}`, O.WRONLY | O.CLOEXEC);
    sys.close(ctx.execFifoFd);
    try {
      for (const h of config.hooks.startContainer) runHookInChild(sys, 'startContainer', h, hookState('created'));
    } catch (err) {
      sys.write(fifo, Buffer.from(`E${(err as Error).message}`));
      return sys.exit(127);
    }
    sys.write(fifo, Buffer.from('0'));
    sys.close(fifo);
    return execProcess(sys, proc, prepared, ctx.preserveFds);
  } catch (err) {
    return dieInChild(sys, (message) => sync.send({ t: 'error', message }), err, 'runc-ts init');
  }
}
