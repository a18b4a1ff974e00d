// What a foreground `run` or `exec` does while its process lives: forward our signals to it, and
// relay a terminal whose master it received.
import * as os from 'node:os';
import type * as Tty from 'node:tty';
import { winsize } from '../init/console.js';
import { TIOCSWINSZ } from '../syscalls/constants.js';
import type { Syscalls } from '../syscalls/syscalls.js';

const FORWARDED: NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT', 'SIGALRM'];

/** Forwards signals to `pid` (SIGWINCH resizes the pty instead, when there is one); returns the undo. */
export function forwardSignals(sys: Syscalls, pid: number, master?: number): () => void {
  const onSignal = (sig: NodeJS.Signals) => {
    if (sig === 'SIGWINCH') {
      if (master !== undefined && process.stdout.isTTY) sys.ioctlBuf(master, TIOCSWINSZ, winsize(process.stdout.rows, process.stdout.columns));
      return;
    }
    try {
      sys.kill(pid, os.constants.signals[sig]);
    } catch {
      // already gone
    }
  };
  for (const s of FORWARDED) process.on(s, onSignal);
  return () => {
    for (const s of FORWARDED) process.off(s, onSignal);
  };
}

/** Copies our stdin to the pty master and the master to our stdout, raw mode while it lasts. */
export function relayTerminal(sys: Syscalls, master: number): () => void {
  // Required here: node:tty must not load into the startup snapshot.
  const tty = require('node:tty') as typeof Tty;
  const fromPty = new tty.ReadStream(master);
  const toPty = new tty.WriteStream(master);
  fromPty.on('error', () => {}); // EIO when the container side closes
  fromPty.pipe(process.stdout, { end: false });
  const stdinIsTty = process.stdin.isTTY;
  if (stdinIsTty) process.stdin.setRawMode(true);
  const onData = (b: Buffer) => toPty.write(b);
  // The end of our input is an end-of-file for the terminal: VEOF, as a user's Ctrl-D.
  const onEnd = () => toPty.write('\x04');
  process.stdin.on('data', onData);
  process.stdin.once('end', onEnd);
  if (process.stdout.isTTY) sys.ioctlBuf(master, TIOCSWINSZ, winsize(process.stdout.rows, process.stdout.columns));
  return () => {
    process.stdin.off('data', onData);
    process.stdin.off('end', onEnd);
    process.stdin.pause();
    if (stdinIsTty) process.stdin.setRawMode(false);
    fromPty.destroy();
    toPty.destroy();
  };
}

/** A socket pair standing in for --console-socket: the child sends the master, we keep it. */
export function receiveMaster(sys: Syscalls, ours: number): number {
  const { fds } = sys.recvFd(ours, Buffer.alloc(256));
  sys.close(ours);
  const master = fds[0];
  if (master === undefined) throw new Error('the container did not send its terminal');
  return master;
}
