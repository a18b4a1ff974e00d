// The host's end of a container's terminal: output until the real end, input in order, resizes.
//
// Not a node stream over the fd: libuv takes POLLHUP after a short read for end of file, and a pty
// master reports POLLHUP as soon as the slave's last fd closes, while the slave's last writes may
// still sit in the kernel's flip buffer, pushed to the master by a work queue. Those bytes were lost
// (about 1 in 10 quick `exec -t sh -c 'tty; stty size'` lost the second line). A master's end is
// EIO, and the kernel returns it only after pushing what is pending; so we poll for readability and
// read until EIO ourselves.
import { Readable } from 'node:stream';
import { koffi } from '../syscalls/linux.js';
import { SyscallError } from '../syscalls/syscall-error.js';
import type { Syscalls } from '../syscalls/syscalls.js';
import { TIOCSWINSZ } from '../syscalls/constants.js';
import { winsize } from '../init/console.js';

const FIONBIO = 0x5421;
const CHUNK = 64 * 1024;
/** How long a write waits before trying again when the terminal's input queue is full. */
const WRITE_RETRY_MS = 10;

type PollHandle = ReturnType<ReturnType<typeof koffi>['node']['poll']>;

export class PtyMaster {
  /** Everything the container writes to its terminal; ends when the last slave fd has closed. */
  readonly output: Readable;
  private fd: number | undefined;
  private poll: PollHandle | undefined;
  private polling = false;
  private ended = false;
  private readonly pending: Buffer[] = [];
  private writing = false;

  /** Takes ownership of `fd`: close() closes it, once. */
  constructor(
    private readonly sys: Syscalls,
    fd: number,
  ) {
    this.fd = fd;
    const on = Buffer.alloc(4);
    on.writeInt32LE(1);
    sys.ioctlBuf(fd, FIONBIO, on);
    this.output = new Readable({
      highWaterMark: CHUNK,
      read: () => this.startReading(),
      destroy: (err, cb) => {
        this.stopReading();
        cb(err);
      },
    });
  }

  private startReading(): void {
    if (this.ended || this.fd === undefined || this.polling) return;
    this.polling = true;
    if (this.poll) this.poll.start({ readable: true }, () => this.readAvailable());
    else this.poll = koffi().node.poll(this.fd, { readable: true }, () => this.readAvailable());
  }

  private pauseReading(): void {
    this.polling = false;
    this.poll?.stop();
  }

  private stopReading(): void {
    this.polling = false;
    this.poll?.close();
    this.poll = undefined;
  }

  private readAvailable(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      let n: number;
      try {
        n = this.sys.read(fd, buf);
      } catch (err) {
        if (err instanceof SyscallError && (err.code === 'EAGAIN' || err.code === 'EINTR')) return;
        n = 0; // EIO: the slave side is gone and everything it wrote has been read
      }
      if (n <= 0) {
        this.end();
        return;
      }
      if (!this.output.push(buf.subarray(0, n))) {
        this.pauseReading(); // resumed by the next read()
        return;
      }
    }
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopReading();
    this.output.push(null);
  }

  /** Input for the terminal, written in order; waits while the terminal's input queue is full. */
  write(data: Buffer): void {
    if (this.fd === undefined || data.length === 0) return;
    this.pending.push(data);
    if (!this.writing) this.flush();
  }

  private flush(): void {
    this.writing = true;
    while (this.pending.length > 0) {
      if (this.fd === undefined) {
        this.pending.length = 0;
        break;
      }
      const head = this.pending[0]!;
      let n: number;
      try {
        n = this.sys.write(this.fd, head);
      } catch (err) {
        if (err instanceof SyscallError && (err.code === 'EAGAIN' || err.code === 'EINTR')) {
          setTimeout(() => this.flush(), WRITE_RETRY_MS).unref();
          return;
        }
        this.pending.length = 0; // EIO: nobody is reading any more
        break;
      }
      if (n < head.length) this.pending[0] = head.subarray(n);
      else this.pending.shift();
    }
    this.writing = false;
  }

  resize(width: number, height: number): void {
    if (this.fd !== undefined) this.sys.ioctlBuf(this.fd, TIOCSWINSZ, winsize(height, width));
  }

  /** Stops reading and writing and closes the fd. */
  close(): void {
    if (this.fd === undefined) return;
    this.stopReading();
    this.pending.length = 0;
    const fd = this.fd;
    this.fd = undefined;
    if (!this.ended) {
      this.ended = true;
      this.output.push(null);
    }
    try {
      this.sys.close(fd);
    } catch {
      // closed already
    }
  }
}
