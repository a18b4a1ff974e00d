// `create`: sets up a container from a bundle and leaves its init blocked on the exec FIFO. Returns
// only when the container is fully set up; on any failure everything done so far is undone.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hierarchies } from '../cgroups/hierarchy.js';
import type { CgroupManager } from '../cgroups/manager.js';
import { cgroupManagerFor } from '../cgroups/open.js';
import { runNamespaceChild } from '../init/namespace-child.js';
import type { InitContext } from '../init/init-context.js';
import { NAMESPACE_FILE } from '../init/namespace-flags.js';
import { type CgroupMount, hasMountNamespace } from '../init/rootfs.js';
import { SyncChannel } from '../init/sync-channel.js';
import { sendSeccompListener } from '../seccomp/notify-listener.js';
import { type PreparedSeccomp, prepareSeccomp } from '../seccomp/prepare.js';
import { type ContainerConfig, createsNamespace } from '../spec/config.js';
import { convertSpec, loadSpec } from '../spec/convert.js';
import { validateId } from '../state/container-id.js';
import { writeFileAtomic } from '../state/atomic-write.js';
import type { ContainerState } from '../state/state-store.js';
import { AF_UNIX, O, PR, SIGNALS, SOCK_CLOEXEC, SOCK_SEQPACKET } from '../syscalls/constants.js';
import type { Syscalls } from '../syscalls/syscalls.js';
import { writeIdMaps } from './id-maps.js';
import { isAlive, readProcStat, waitUntil } from './proc-info.js';
import { detachHostMounts, mountsAddedBelow, snapshotMountsBelow } from './host-mounts.js';
import { Rollback } from './rollback.js';
import type { Runtime } from './runtime.js';
import { runHooks } from './hooks.js';
import { signalName } from './signals.js';

export interface CreateOptions {
  id: string;
  bundle: string;
  pidFile?: string;
  consoleSocket?: string;
  /** An already connected console socket fd (used by `run -t`, which receives the pty itself). */
  consoleSocketFd?: number;
  noPivot?: boolean;
  noNewKeyring?: boolean;
  preserveFds?: number;
  /** fds of the caller to become the init's stdin/stdout/stderr (the shim's pipes); default: the caller's own. */
  stdio?: readonly [number, number, number];
  /** Make the calling process the child subreaper, so the init becomes its child (`run`, the shim). */
  subreaper?: boolean;
  /** How long the init may take to set up before create gives up (ms). */
  timeoutMs?: number;
}

function cgroupMounts(cg: CgroupManager): { mounts: CgroupMount[]; v2Only: boolean } {
  const h = hierarchies();
  if (h.mode === 'v2') return { mounts: [{ name: '', hostDir: cg.paths['']!, controllers: [] }], v2Only: true };
  const byMount = new Map<string, CgroupMount>();
  for (const [controller, mount] of h.v1) {
    const hostDir = cg.paths[controller];
    if (!hostDir) continue;
    const name = path.basename(mount);
    const entry = byMount.get(mount) ?? { name, hostDir, controllers: [] };
    entry.controllers.push(controller);
    byMount.set(mount, entry);
  }
  const mounts = [...byMount.values()];
  if (h.mode === 'hybrid' && cg.paths['']) mounts.push({ name: 'unified', hostDir: cg.paths[''], controllers: [] });
  return { mounts, v2Only: false };
}

function capLast(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
  } catch {
    return 40;
  }
}

/** Kills a process that is not our child and waits (briefly) until it is gone. */
export function killAndWait(rt: Runtime, pid: number, startTime?: string): void {
  if (!isAlive(pid, startTime)) return;
  try {
    rt.sys.kill(pid, SIGNALS.KILL!);
  } catch {
    return;
  }
  waitUntil(() => !isAlive(pid, startTime), 5000);
}

/**
 * A message the namespace child must send. When it exits without one (no error message either), its
 * wait status is what tells why: a signal that killed it, or the status it exited with.
 */
function expectFromChild<T>(receive: () => T, sys: Syscalls, childPid: number): T {
  try {
    return receive();
  } catch (err) {
    if (!(err instanceof Error) || !/exited before it sent/.test(err.message)) throw err;
    let status: number;
    try {
      status = sys.waitpid(childPid, 0)[1];
    } catch {
      throw err;
    }
    const how = (status & 0x7f) !== 0 ? `was killed by ${signalName(status & 0x7f)}` : `exited with status ${(status >> 8) & 0xff}`;
    throw new Error(`${err.message} (the namespace child ${how})`);
  }
}

/**
 * runc's checks of a cgroup that exists before create: joining a frozen one would hang the init,
 * so it is refused; one with processes in it is used with a warning (runc 1.1 only warns).
 */
function checkExistingCgroup(cg: CgroupManager, warn: (m: string) => void): void {
  const pids = cg.pids();
  if (pids.length > 0) warn(`container's cgroup is not empty: ${pids.length} process(es) found`);
  if (cg.isFrozen()) throw new Error("container's cgroup unexpectedly frozen");
}

/**
 * Creates the container. If the namespace child dies of SIGSEGV before it reported the init's pid,
 * the attempt (already rolled back: no state, no cgroup) is made once more: that death depends on
 * the V8 heap's layout at the fork (a page V8 keeps out of forks, see syscalls/linux.ts), which the
 * failed attempt has changed. Seen in about 1 of 6 startup-snapshot builds, for some bundles only.
 */
export function createContainer(rt: Runtime, opts: CreateOptions): ContainerState {
  try {
    return createOnce(rt, opts);
  } catch (err) {
    if (!(err instanceof Error) || !/exited before it sent (pid|userns) \(the namespace child was killed by SIGSEGV\)/.test(err.message)) throw err;
    rt.log.debug(`create ${opts.id}: ${err.message}; trying once more`);
    return createOnce(rt, opts);
  }
}

function createOnce(rt: Runtime, opts: CreateOptions): ContainerState {
  const { sys, store, log } = rt;
  // hrtime, not performance.now(): the global `performance` loads perf_hooks on first use (~1 ms).
  const t0 = process.hrtime.bigint();
  const trace = (what: string) => log.debug(`create ${opts.id}: ${what} at +${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)} ms`);
  validateId(opts.id);
  const spec = loadSpec(opts.bundle);
  const config: ContainerConfig = convertSpec(spec, { id: opts.id, bundle: opts.bundle });
  const onHostMounts = !hasMountNamespace(config);
  if (onHostMounts && opts.noPivot) throw new Error('--no-pivot needs a mount namespace of its own (without one it would move the host\'s mounts)');
  store.claim(opts.id);
  const rollback = new Rollback();
  rollback.add('remove state dir', () => store.remove(opts.id));
  const fds: number[] = [];
  let seccomp: PreparedSeccomp | undefined;
  try {
    // Built (and so checked) before anything else exists; the init only loads it.
    if (config.seccomp) seccomp = prepareSeccomp(config.seccomp, (m) => log.debug(m), (m) => log.warn(m));
    const cg = cgroupManagerFor(config.cgroupsPath, (m) => log.warn(m));
    const cgroupExisted = cg.exists();
    if (cgroupExisted) checkExistingCgroup(cg, (m) => log.warn(m));
    // As runc: a failed create removes the container's cgroup, even one that existed before, unless
    // other processes are in it. Registered first, so a create() that fails half-way is undone too.
    rollback.add('remove cgroup', () => {
      if (!cgroupExisted || cg.pids().length === 0) cg.destroy();
    });
    cg.create();
    cg.apply(config.resources);
    trace('cgroups configured');

    const fifo = store.execFifo(opts.id);
    const oldUmask = process.umask(0);
    try {
      sys.mkfifo(fifo, 0o622);
    } finally {
      process.umask(oldUmask);
    }
    const fifoFd = sys.open(fifo, O.PATH | O.CLOEXEC);
    fds.push(fifoFd);
    const [parentEnd, childEnd] = sys.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC);
    fds.push(parentEnd, childEnd);
    let consoleSocketFd = opts.consoleSocketFd;
    if (opts.consoleSocket !== undefined) {
      if (!config.process.terminal) throw new Error('--console-socket was given but process.terminal is false in config.json');
      consoleSocketFd = sys.connectUnix(opts.consoleSocket);
      fds.push(consoleSocketFd);
    }
    if (config.process.terminal && consoleSocketFd === undefined) {
      throw new Error('process.terminal is true: cannot allocate a terminal without --console-socket');
    }
    const joinFds = config.namespaces
      .filter((n) => n.path !== undefined)
      .map((n) => {
        const fd = sys.open(n.path!, O.RDONLY | O.CLOEXEC);
        fds.push(fd);
        return { type: n.type, fd };
      });
    const { mounts, v2Only } = cgroupMounts(cg);
    const mountsBefore = onHostMounts ? snapshotMountsBelow(config.rootfs) : undefined;
    if (mountsBefore) rollback.add('detach host mounts', () => detachHostMounts(sys, config.rootfs, mountsAddedBelow(config.rootfs, mountsBefore)));
    const ctx: InitContext = {
      sys,
      config,
      sync: new SyncChannel(sys, childEnd),
      execFifoFd: fifoFd,
      ...(consoleSocketFd !== undefined ? { consoleSocketFd } : {}),
      noPivot: opts.noPivot ?? false,
      noNewKeyring: opts.noNewKeyring ?? false,
      preserveFds: opts.preserveFds ?? 0,
      ...(opts.stdio ? { stdio: opts.stdio } : {}),
      cgroupMounts: mounts,
      cgroupV2Only: v2Only,
      capLast: capLast(),
      joinFds,
      ...(seccomp ? { seccomp } : {}),
    };

    if (opts.subreaper) sys.prctl(PR.SET_CHILD_SUBREAPER, 1);
    trace('forking');
    const childPid = sys.fork();
    if (childPid === 0) {
      sys.close(parentEnd);
      runNamespaceChild(ctx); // never returns
    }
    sys.close(childEnd);
    fds.splice(fds.indexOf(childEnd), 1);
    const sync = new SyncChannel(sys, parentEnd);
    const reapChild = () => {
      try {
        sys.waitpid(childPid, 0);
      } catch {
        // already reaped
      }
    };
    rollback.add('stop namespace child', () => {
      try {
        sys.kill(childPid, SIGNALS.KILL!);
      } catch {
        // gone
      }
      reapChild();
    });
    const timeout = opts.timeoutMs ?? 60_000;
    const warn = (m: string) => log.warn(m);

    trace('forked');
    if (createsNamespace(config, 'user')) {
      expectFromChild(() => sync.expect('userns', timeout, warn), sys, childPid);
      writeIdMaps(childPid, config.uidMappings, config.gidMappings);
      sync.send({ t: 'maps-done' });
    }
    const { pid } = expectFromChild(() => sync.expect('pid', timeout, warn), sys, childPid);
    reapChild();
    trace(`init is ${pid}`);
    cg.join(pid);
    sync.send({ t: 'go' });
    trace('joined cgroups');
    const initStartTime = readProcStat(pid)?.startTime ?? '';
    rollback.add('kill init', () => killAndWait(rt, pid, initStartTime));

    const state: ContainerState = {
      ociVersion: config.ociVersion,
      id: config.id,
      pid,
      bundle: config.bundle,
      annotations: config.annotations,
      created: new Date().toISOString(),
      owner: '',
      initStartTime,
      cgroupPaths: { ...cg.paths },
      namespacePaths: Object.fromEntries(config.namespaces.map((n) => [n.type, n.path ?? `/proc/${pid}/ns/${NAMESPACE_FILE[n.type]}`])),
      config,
      noPivot: opts.noPivot ?? false,
    };

    // The init's messages up to 'ready': warnings are logged, a seccomp listener fd is passed on.
    const next = () => {
      for (;;) {
        const m = sync.receive(timeout);
        if (m?.t === 'warn') warn(m.message);
        else if (m?.t === 'seccomp') {
          const agentState = { ociVersion: state.ociVersion, id: state.id, status: 'creating' as const, pid, bundle: state.bundle, annotations: state.annotations };
          sendSeccompListener(sys, { pid, fd: m.fd, listenerPath: seccomp?.listenerPath, listenerMetadata: seccomp?.listenerMetadata, state: agentState });
          sync.send({ t: 'seccomp-done' });
        } else return m;
      }
    };
    let msg = next();
    if (msg?.t === 'hooks') {
      // prestart (deprecated) and createRuntime run in the runtime's namespaces, before pivot_root.
      store.save(state);
      const hookState = { ociVersion: state.ociVersion, id: state.id, pid, status: 'creating', bundle: state.bundle, annotations: state.annotations };
      runHooks('prestart', config.hooks.prestart, hookState);
      runHooks('createRuntime', config.hooks.createRuntime, hookState);
      sync.send({ t: 'hooks-done' });
      msg = next();
    }
    if (!msg) throw new Error('container init exited during set-up without saying why');
    if (msg.t === 'error') throw new Error(msg.message);
    if (msg.t !== 'ready') throw new Error(`container init sent ${msg.t} where ready was expected`);
    sync.close();
    fds.splice(fds.indexOf(parentEnd), 1);
    trace('init ready');

    if (mountsBefore) state.hostMounts = mountsAddedBelow(config.rootfs, mountsBefore);
    store.save(state);
    if (opts.pidFile) writeFileAtomic(path.resolve(opts.pidFile), String(pid), 0o644);
    rollback.commit();
    return state;
  } catch (err) {
    const failures = rollback.run();
    for (const f of failures) log.warn(`cleanup after failed create: ${f}`);
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
