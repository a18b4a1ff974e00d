// FIFOs for a process's stdio, handed to the shim by path (as containerd's CRI plugin does). They are
// read through non-blocking pipe handles (epoll), never fs streams: a blocking read of an idle FIFO
// holds one of libuv's four pool threads, and two idle containers stalled every file operation.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { mknod } from '../core/sys/linux.js';

export const S_IFIFO_MODE = 0o010000 | 0o600;

/** Creates `<dir>/<prefix>-stdout` and `-stderr` FIFOs (the dir too). */
export function makeFifos(dir: string, prefix: string): { stdout: string; stderr: string } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = { stdout: path.join(dir, `${prefix}-stdout`), stderr: path.join(dir, `${prefix}-stderr`) };
  for (const p of [f.stdout, f.stderr]) {
    fs.rmSync(p, { force: true });
    mknod(p, S_IFIFO_MODE, 0, 0);
  }
  return f;
}

/**
 * A reader of a FIFO the shim already holds open (after Create or Exec): opened non-blocking, so it
 * sees end of file only when the shim closes its side.
 */
export function fifoReader(file: string): net.Socket {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  return new net.Socket({ fd, readable: true, writable: false });
}

/** Reads both FIFOs to their end, each into a buffer (ExecSync's output). */
export function collectFifos(f: { stdout: string; stderr: string }): Promise<{ stdout: Buffer; stderr: Buffer }> {
  const one = (file: string) =>
    new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      const rs = fifoReader(file);
      rs.on('data', (c: Buffer) => parts.push(c));
      rs.on('error', () => resolve(Buffer.concat(parts)));
      rs.on('end', () => resolve(Buffer.concat(parts)));
    });
  return Promise.all([one(f.stdout), one(f.stderr)]).then(([stdout, stderr]) => ({ stdout, stderr }));
}
