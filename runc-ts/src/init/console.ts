// The container side of --console-socket: a pty from the container's own devpts, its master sent
// to the listener over SCM_RIGHTS, its slave made the controlling terminal and stdio.
import * as fs from 'node:fs';
import { O, TIOCGPTN, TIOCSCTTY, TIOCSPTLCK, TIOCSWINSZ } from '../syscalls/constants.js';
import type { Syscalls } from '../syscalls/syscalls.js';

export function winsize(rows: number, cols: number): Buffer {
  const ws = Buffer.alloc(8);
  ws.writeUInt16LE(rows, 0);
  ws.writeUInt16LE(cols, 2);
  return ws;
}

export function setupConsole(sys: Syscalls, socketFd: number, uid: number, size?: { height: number; width: number }): void {
  const master = sys.open('/dev/ptmx', O.RDWR | O.NOCTTY | O.CLOEXEC);
  sys.ioctlBuf(master, TIOCSPTLCK, Buffer.alloc(4)); // unlockpt
  const n = Buffer.alloc(4);
  sys.ioctlBuf(master, TIOCGPTN, n);
  const name = `/dev/pts/${n.readInt32LE(0)}`;
  const slave = sys.open(name, O.RDWR | O.NOCTTY);
  fs.fchownSync(slave, uid, -1);
  if (size && (size.height || size.width)) sys.ioctlBuf(master, TIOCSWINSZ, winsize(size.height, size.width));
  sys.sendFd(socketFd, master, Buffer.from(name));
  sys.close(master);
  sys.ioctlInt(slave, TIOCSCTTY, 0);
  for (const fd of [0, 1, 2]) sys.dup2(slave, fd);
  if (slave > 2) sys.close(slave);
}
