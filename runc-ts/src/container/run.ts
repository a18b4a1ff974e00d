// `run`: create + start; in the foreground it waits for the process, forwards signals and returns
// the exit code, then deletes the container, as runc does. With a terminal it proxies the pty.
import * as os from 'node:os';
import * as tty from 'node:tty';
import { loadSpec } from '../spec/convert.js';
import { AF_UNIX, SOCK_CLOEXEC, SOCK_STREAM, TIOCSWINSZ } from '../syscalls/constants.js';
import { winsize } from '../init/console.js';
import { createContainer, type CreateOptions } from './create.js';
import { deleteContainer } from './delete.js';
import { exitCodeOf, waitForChild } from './process-wait.js';
import type { Runtime } from './runtime.js';
import { startContainer } from './start.js';

const FORWARDED: NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT', 'SIGALRM'];

export interface RunOptions extends CreateOptions {
  detach?: boolean;
}

/** Returns the container process's exit code (0 when detached). */
export async function runContainer(rt: Runtime, opts: RunOptions): Promise<number> {
  if (opts.detach) {
    createContainer(rt, opts);
    startContainer(rt, opts.id);
    return 0;
  }
  // A pty without --console-socket: the init sends the master to us and we relay it.
  let pair: [number, number] | undefined;
  const wantsTerminal = opts.consoleSocket === undefined && readsTerminal(opts.bundle);
  if (wantsTerminal) pair = rt.sys.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC);
  let state;
  try {
    state = createContainer(rt, { ...opts, subreaper: true, ...(pair ? { consoleSocketFd: pair[1] } : {}) });
  } finally {
    if (pair) rt.sys.close(pair[1]);
  }
  let master: number | undefined;
  if (pair) {
    const { fds } = rt.sys.recvFd(pair[0], Buffer.alloc(256));
    rt.sys.close(pair[0]);
    master = fds[0];
  }
  const onSignal = (sig: NodeJS.Signals) => {
    if (sig === 'SIGWINCH') {
      if (master !== undefined && process.stdout.isTTY) rt.sys.ioctlBuf(master, TIOCSWINSZ, winsize(process.stdout.rows, process.stdout.columns));
      return;
    }
    try {
      rt.sys.kill(state.pid, os.constants.signals[sig]);
    } catch {
      // already gone
    }
  };
  for (const s of FORWARDED) process.on(s, onSignal);
  const exited = waitForChild(rt.sys, state.pid);
  const stopRelay = master !== undefined ? relayTerminal(rt, master) : undefined;
  try {
    startContainer(rt, opts.id);
    return exitCodeOf(await exited);
  } finally {
    for (const s of FORWARDED) process.off(s, onSignal);
    stopRelay?.();
    deleteContainer(rt, opts.id, true);
  }
}

function readsTerminal(bundle: string): boolean {
  try {
    return loadSpec(bundle).process?.terminal === true;
  } catch {
    return false; // create reports the bad config.json
  }
}

/** Copies our stdin to the pty master and the master to our stdout, raw mode while it lasts. */
function relayTerminal(rt: Runtime, master: number): () => void {
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
  if (process.stdout.isTTY) rt.sys.ioctlBuf(master, TIOCSWINSZ, winsize(process.stdout.rows, process.stdout.columns));
  return () => {
    process.stdin.off('data', onData);
    process.stdin.off('end', onEnd);
    process.stdin.pause();
    if (stdinIsTty) process.stdin.setRawMode(false);
    fromPty.destroy();
    toPty.destroy();
  };
}
