// The first forked child: joins and creates the container's namespaces, then forks the init so that
// it is pid 1 of a new pid namespace (unshare(CLONE_NEWPID) only affects children), and exits. It does
// not wait for the cgroup join: the parent moves the init while the init builds the rootfs, since a
// cgroup v1 migration costs the kernel an RCU grace period (~10 ms here).
import { CLONE } from '../syscalls/constants.js';
import { runInit } from './container-init.js';
import type { InitContext } from './init-context.js';
import { joinNamespacesButMount } from './join-namespaces.js';
import { NAMESPACE_FLAG } from './namespace-flags.js';

export function runNamespaceChild(ctx: InitContext): never {
  const { sys, config, sync } = ctx;
  try {
    const userJoin = ctx.joinFds.find((j) => j.type === 'user');
    if (userJoin) sys.setns(userJoin.fd, CLONE.NEWUSER);
    const newUser = config.namespaces.some((n) => n.type === 'user' && !n.path);
    if (newUser) {
      sys.unshare(CLONE.NEWUSER);
      sync.send({ t: 'userns' });
      sync.expect('maps-done');
    }
    if (newUser || userJoin) {
      sys.setresgid(0);
      sys.setresuid(0);
    }
    joinNamespacesButMount(sys, ctx.joinFds.filter((j) => j.type !== 'user'));
    // The cgroup namespace comes later, from the init, once the parent has moved it into its cgroups.
    let flags = 0;
    for (const n of config.namespaces) if (!n.path && n.type !== 'user' && n.type !== 'cgroup') flags |= NAMESPACE_FLAG[n.type];
    if (flags) sys.unshare(flags);
    const pid = sys.fork();
    if (pid === 0) return runInit(ctx);
    sync.send({ t: 'pid', pid });
    return sys.exit(0);
  } catch (err) {
    try {
      sync.send({ t: 'error', message: err instanceof Error ? err.message : String(err) });
    } finally {
      sys.exit(1);
    }
  }
  return sys.exit(1);
}
