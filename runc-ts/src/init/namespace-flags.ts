import { CLONE } from '../syscalls/constants.js';
import type { NamespaceType } from '../spec/config.js';

export const NAMESPACE_FLAG: Readonly<Record<NamespaceType, number>> = {
  pid: CLONE.NEWPID,
  network: CLONE.NEWNET,
  mount: CLONE.NEWNS,
  ipc: CLONE.NEWIPC,
  uts: CLONE.NEWUTS,
  user: CLONE.NEWUSER,
  cgroup: CLONE.NEWCGROUP,
  time: CLONE.NEWTIME,
};

/** /proc/<pid>/ns/<name> file names per namespace type. */
export const NAMESPACE_FILE: Readonly<Record<NamespaceType, string>> = {
  pid: 'pid',
  network: 'net',
  mount: 'mnt',
  ipc: 'ipc',
  uts: 'uts',
  user: 'user',
  cgroup: 'cgroup',
  time: 'time',
};
