// Sockets that live in a container's network namespace but are served by this process (the
// embedded DNS): made with raw syscalls while the thread is inside the namespace, then handed to
// Node by fd. Node's own bind cannot be used: it creates the socket a tick later, after we left.
import { AF_INET, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_STREAM, libc } from './libc.js';
import { inNetns } from './netns.js';

export interface NetnsSocketSpec {
  kind: 'udp' | 'tcp';
  ip: string;
  port: number;
}

/** Bound (and for TCP listening) non-blocking sockets in the namespace at `netnsPath`, as fds. */
export function socketsInNetns(netnsPath: string, specs: readonly NetnsSocketSpec[]): number[] {
  const fds: number[] = [];
  try {
    inNetns(netnsPath, () => {
      for (const s of specs) {
        const fd = libc.socket(AF_INET, (s.kind === 'udp' ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC);
        fds.push(fd);
        if (s.kind === 'tcp') libc.setReuseAddr(fd);
        libc.bindInet(fd, s.ip, s.port);
        if (s.kind === 'tcp') libc.listen(fd, 128);
      }
    });
    return fds;
  } catch (err) {
    for (const fd of fds) libc.close(fd);
    throw err;
  }
}
