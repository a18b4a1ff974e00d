// Messages between runc-ts and the container's init over a SOCK_SEQPACKET pair: one datagram per
// message, so neither side needs framing. Both sides are synchronous (the child may not await).
import { SyscallError } from '../syscalls/syscall-error.js';
import type { Syscalls } from '../syscalls/syscalls.js';

export type SyncMessage =
  | { t: 'go' }
  | { t: 'userns' }
  | { t: 'maps-done' }
  | { t: 'pid'; pid: number }
  | { t: 'hooks' }
  | { t: 'hooks-done' }
  | { t: 'seccomp'; fd: number }
  | { t: 'seccomp-done' }
  | { t: 'ready' }
  | { t: 'warn'; message: string }
  | { t: 'error'; message: string };

const POLLIN = 1;

export class SyncChannel {
  private readonly buf = Buffer.alloc(64 * 1024);
  /**
   * Messages that came before the one being waited for. Two processes write to the parent's end
   * (the namespace child sends the init's pid, the init its own messages), and under load the init
   * may be heard first.
   */
  private readonly pending: SyncMessage[] = [];
  constructor(
    private readonly sys: Syscalls,
    readonly fd: number,
  ) {}

  send(msg: SyncMessage): void {
    try {
      this.sys.write(this.fd, Buffer.from(JSON.stringify(msg)));
    } catch (err) {
      // The other side is gone; if it said why before it went, that is the error to report.
      if (err instanceof SyscallError && err.code === 'EPIPE') {
        for (let m = this.receive(0); m; m = this.receive(0)) if (m.t === 'error') throw new Error(m.message);
        throw new Error('container init exited during set-up without saying why');
      }
      throw err;
    }
  }

  /** Waits for the next message; undefined when the other side closed (it exited). Throws on timeout. */
  receive(timeoutMs = -1, what = 'the container init'): SyncMessage | undefined {
    const early = this.pending.shift();
    if (early) return early;
    let resets = 0;
    for (;;) {
      try {
        if (timeoutMs >= 0 && this.sys.poll(this.fd, POLLIN, timeoutMs) === 0) {
          if (timeoutMs === 0) return undefined;
          throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        }
        const n = this.sys.read(this.fd, this.buf);
        if (n === 0) return undefined;
        return JSON.parse(this.buf.subarray(0, n).toString()) as SyncMessage;
      } catch (err) {
        if (err instanceof SyscallError && err.code === 'EINTR') continue;
        // A peer that exits with our message unread makes the next read fail with ECONNRESET, once;
        // what it sent before exiting (its error) is still queued behind that.
        if (err instanceof SyscallError && err.code === 'ECONNRESET') {
          if (++resets > 3) return undefined;
          continue;
        }
        throw err;
      }
    }
  }

  /** Receives and insists on one message type; an 'error' message becomes an exception. */
  expect<T extends SyncMessage['t']>(type: T, timeoutMs = -1, onWarn?: (m: string) => void, onSeccomp?: (fd: number) => void): Extract<SyncMessage, { t: T }> {
    const early: SyncMessage[] = [];
    for (;;) {
      const msg = this.receive(timeoutMs);
      if (!msg) throw new Error(`container init exited before it sent ${type}`);
      if (msg.t === 'warn') {
        onWarn?.(msg.message);
        continue;
      }
      if (msg.t === 'error') throw new Error(msg.message);
      if (msg.t === 'seccomp' && onSeccomp && type !== 'seccomp') {
        onSeccomp(msg.fd);
        continue;
      }
      if (msg.t === type) {
        this.pending.unshift(...early); // heard before their turn: handed out next, in order
        return msg as Extract<SyncMessage, { t: T }>;
      }
      early.push(msg);
    }
  }

  close(): void {
    try {
      this.sys.close(this.fd);
    } catch {
      // already closed
    }
  }
}
