// Joining existing namespaces from a forked child. The mount namespace is joined last, by the
// grandchild: once in another mount namespace, /proc/self may name nothing (the target's procfs
// belongs to another pid namespace), and forking from Node reads /proc/self/maps.
import { CLONE } from '../syscalls/constants.js';
import type { NamespaceType } from '../spec/config.js';
import type { Syscalls } from '../syscalls/syscalls.js';
import { NAMESPACE_FLAG } from './namespace-flags.js';

type JoinFd = { type: NamespaceType; fd: number };

/** User namespace first (it owns the others), then the rest except mount. Leaves the fds open for the grandchild. */
export function joinNamespacesButMount(sys: Syscalls, joins: readonly JoinFd[]): void {
  const user = joins.find((j) => j.type === 'user');
  if (user) sys.setns(user.fd, CLONE.NEWUSER);
  for (const j of joins) if (j.type !== 'user' && j.type !== 'mount') sys.setns(j.fd, NAMESPACE_FLAG[j.type]);
}

/** In the process that will not fork again: the mount namespace, then closes every join fd. */
export function joinMountNamespace(sys: Syscalls, joins: readonly JoinFd[]): void {
  const mnt = joins.find((j) => j.type === 'mount');
  if (mnt) sys.setns(mnt.fd, CLONE.NEWNS);
  for (const j of joins) sys.close(j.fd);
}
