// The receiving side of --console-socket, for callers that drive a runtime (the shim, tests): listen
// on a unix socket and take the pty master the container sends over SCM_RIGHTS, without blocking
// the event loop.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { koffi } from '../syscalls/linux.js';
import type { Syscalls } from '../syscalls/syscalls.js';

export interface ConsoleSocket {
  /** Pass this as --console-socket. */
  path: string;
  /** The pty master and its name (/dev/pts/N in the container), once sent. */
  received: Promise<{ master: number; name: string }>;
  close(): void;
}

export function listenConsoleSocket(sys: Syscalls): ConsoleSocket {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-socket-'));
  const sockPath = path.join(dir, 'console.sock');
  const listener = sys.listenUnix(sockPath, 1);
  let handle: ReturnType<ReturnType<typeof koffi>['node']['poll']> | undefined;
  const received = new Promise<{ master: number; name: string }>((resolve, reject) => {
    handle = koffi().node.poll(listener, { readable: true }, () => {
      handle?.close();
      handle = undefined;
      try {
        const conn = sys.accept(listener);
        const payload = Buffer.alloc(256);
        const { length, fds } = sys.recvFd(conn, payload);
        sys.close(conn);
        const master = fds[0];
        if (master === undefined) throw new Error('the runtime connected to the console socket but sent no terminal');
        resolve({ master, name: payload.subarray(0, length).toString() });
      } catch (err) {
        reject(err as Error);
      }
    });
  });
  received.catch(() => undefined); // the caller may never await it (create failed)
  return {
    path: sockPath,
    received,
    close() {
      handle?.close();
      try {
        sys.close(listener);
      } catch {
        // closed already
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
