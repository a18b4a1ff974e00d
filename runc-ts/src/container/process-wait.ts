// Waiting for a child process without blocking the event loop and without waitpid(-1), which
// would steal the exit statuses of libuv's own children: a pidfd polled by libuv, then waitpid(pid).
import { koffi } from '../syscalls/linux.js';
import type { Syscalls } from '../syscalls/syscalls.js';

/** Exit code as a shell reports it: the status, or 128 + the signal that killed the process. */
export function exitCodeOf(rawStatus: number): number {
  const sig = rawStatus & 0x7f;
  return sig === 0 ? (rawStatus >> 8) & 0xff : 128 + sig;
}

/** Resolves with the raw wait status of `pid`, which must be a child (or reparented to us as subreaper). */
export function waitForChild(sys: Syscalls, pid: number): Promise<number> {
  const pidfd = sys.pidfdOpen(pid);
  return new Promise((resolve, reject) => {
    const handle = koffi().node.poll(pidfd, { readable: true }, () => {
      handle.stop();
      handle.close();
      try {
        const [, status] = sys.waitpid(pid, 0);
        resolve(status);
      } catch (err) {
        reject(err);
      } finally {
        sys.close(pidfd);
      }
    });
  });
}
