// runc's side of SCMP_ACT_NOTIFY: the container process loaded a filter with a listener fd and told
// us its number; take a copy of it (pidfd_getfd) and send it to the seccomp agent at
// linux.seccomp.listenerPath, with the container process state as the message (OCI runtime spec,
// "Container Process State"): one sendmsg, the JSON as payload and the fd as SCM_RIGHTS.
import type { Syscalls } from '../syscalls/syscalls.js';
import { SeccompError } from './seccomp-error.js';

/** The OCI state of the container, as the agent receives it. */
export interface OciStateForAgent {
  ociVersion: string;
  id: string;
  status: 'creating' | 'created' | 'running' | 'stopped';
  pid: number;
  bundle: string;
  annotations?: Record<string, string>;
}

export interface ListenerHandover {
  /** The process holding the listener fd (the init, or the exec'd process). */
  pid: number;
  /** Its fd number, as the process reported it. */
  fd: number;
  listenerPath: string | undefined;
  listenerMetadata: string | undefined;
  state: OciStateForAgent;
}

/** The message the agent gets (runc's field order; metadata left out when empty, as Go's omitempty). */
export function containerProcessState(h: ListenerHandover): string {
  const state: Record<string, unknown> = { ociVersion: h.state.ociVersion, id: h.state.id, status: h.state.status };
  if (h.state.pid) state.pid = h.state.pid;
  state.bundle = h.state.bundle;
  if (h.state.annotations && Object.keys(h.state.annotations).length) state.annotations = h.state.annotations;
  return JSON.stringify({
    ociVersion: h.state.ociVersion,
    fds: ['seccompFd'],
    pid: h.pid,
    ...(h.listenerMetadata ? { metadata: h.listenerMetadata } : {}),
    state,
  });
}

export function sendSeccompListener(sys: Syscalls, h: ListenerHandover): void {
  if (!h.listenerPath) throw new SeccompError('listenerPath is not set');
  const pidfd = sys.pidfdOpen(h.pid);
  let fd: number;
  try {
    fd = sys.pidfdGetfd(pidfd, h.fd);
  } finally {
    sys.close(pidfd);
  }
  try {
    let sock: number;
    try {
      sock = sys.connectUnix(h.listenerPath);
    } catch (err) {
      throw new SeccompError(`failed to connect with seccomp agent specified in the seccomp profile: ${(err as Error).message}`);
    }
    try {
      sys.sendFd(sock, fd, Buffer.from(containerProcessState(h)));
    } catch (err) {
      throw new SeccompError(`cannot send seccomp fd to ${h.listenerPath}: ${(err as Error).message}`);
    } finally {
      sys.close(sock);
    }
  } finally {
    sys.close(fd);
  }
}
