// What a foreground `run` or `exec` does while its process lives: forward our signals to it, and
// relay a terminal whose master it received.
import * as os from 'node:os';
import { PtyMaster } from '../console/pty-master.js';
import type { Syscalls } from '../syscalls/syscalls.js';

const FORWARDED: NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT', 'SIGALRM'];

/** Forwards signals to `pid`; SIGWINCH instead resizes the terminal, when there is one. */
export function forwardSignals(sys: Syscalls, pid: number, terminal?: PtyMaster): () => void {
  const onSignal = (sig: NodeJS.Signals) => {
    if (sig === 'SIGWINCH') {
      if (terminal && process.stdout.isTTY) terminal.resize(process.stdout.columns, process.stdout.rows);
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

/** How long output may trail the process's exit (children of it can hold the terminal open). */
const OUTPUT_GRACE_MS = 2000;

/**
 * Copies our stdin to the pty and its output to our stdout, raw mode while it lasts. The returned
 * function, called once the process exited, waits for the rest of the output and undoes it all.
 */
export function relayTerminal(terminal: PtyMaster): () => Promise<void> {
  const ended = new Promise<void>((resolve) => terminal.output.once('close', resolve));
  terminal.output.pipe(process.stdout, { end: false });
  const stdinIsTty = process.stdin.isTTY;
  if (stdinIsTty) process.stdin.setRawMode(true);
  const onData = (b: Buffer) => terminal.write(b);
  // The end of our input is an end-of-file for the terminal: VEOF, as a user's Ctrl-D.
  const onEnd = () => terminal.write(Buffer.from('\x04'));
  process.stdin.on('data', onData);
  process.stdin.once('end', onEnd);
  if (process.stdout.isTTY) terminal.resize(process.stdout.columns, process.stdout.rows);
  return async () => {
    process.stdin.off('data', onData);
    process.stdin.off('end', onEnd);
    process.stdin.pause();
    if (stdinIsTty) process.stdin.setRawMode(false);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise<void>((r) => (timer = setTimeout(r, OUTPUT_GRACE_MS)))]);
    clearTimeout(timer);
    terminal.output.unpipe(process.stdout);
    terminal.close();
  };
}

/** A socket pair standing in for --console-socket: the child sends the master, we keep it. */
export function receiveMaster(sys: Syscalls, ours: number): PtyMaster {
  const { fds } = sys.recvFd(ours, Buffer.alloc(256));
  sys.close(ours);
  const master = fds[0];
  if (master === undefined) throw new Error('the container did not send its terminal');
  return new PtyMaster(sys, master);
}
