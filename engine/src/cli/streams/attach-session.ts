// The client side of attach/exec: output demultiplexed to stdout/stderr (raw with a TTY), stdin
// pumped in (the terminal in raw mode for -t), window size changes sent as resizes, and signals
// proxied to the container when there is no TTY.
import type { Duplex } from 'node:stream';
import { DEFAULT_DETACH_KEYS, DetachScanner, parseDetachKeys } from '../../common/detach-keys.js';
import { FrameDecoder, STDERR } from '../../common/stdcopy.js';

export interface SessionOptions {
  tty: boolean;
  stdin: boolean;
  /** Called with the terminal size once the process runs and on every SIGWINCH (for -t). */
  resize?: (width: number, height: number) => Promise<unknown>;
  /** Settles when the process has been started (run/start attach before the start): the first resize waits for it. */
  started?: Promise<unknown>;
  /** Forwards a signal the CLI receives to the container (--sig-proxy without -t). */
  proxySignal?: (signal: NodeJS.Signals) => Promise<unknown>;
  /** The detach sequence the engine acts on (--detach-keys; default ctrl-p,ctrl-q): watched on stdin to tell a detach from an exit. */
  detachKeys?: string | undefined;
}

export interface SessionEnd {
  /** The user typed the detach sequence: the process runs on. */
  detached: boolean;
}

const PROXIED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** Pumps stdio over a hijacked connection until the engine closes it. */
export function runSession(conn: Duplex, o: SessionOptions): Promise<SessionEnd> {
  return new Promise((resolve) => {
    let detached = false;
    const cleanups: Array<() => void> = [];
    const stdinTty = o.tty && o.stdin && process.stdin.isTTY;
    if (stdinTty) {
      process.stdin.setRawMode(true);
      cleanups.push(() => process.stdin.setRawMode(false));
    }
    if (o.tty && o.resize && process.stdout.isTTY) {
      const send = () => void o.resize?.(process.stdout.columns, process.stdout.rows).catch(() => undefined);
      // The process starts with the terminal's size, not 0x0: the first resize goes as soon as it
      // runs, retried like docker's client does while the daemon cannot resize it yet.
      void (o.started ?? Promise.resolve()).then(() => initialResize(o.resize!), () => undefined);
      process.on('SIGWINCH', send);
      cleanups.push(() => process.off('SIGWINCH', send));
    }
    if (!o.tty && o.proxySignal) {
      for (const sig of PROXIED) {
        const h = () => void o.proxySignal?.(sig).catch(() => undefined);
        process.on(sig, h);
        cleanups.push(() => process.off(sig, h));
      }
    }
    if (o.stdin) {
      // The engine detaches on the sequence; the client only notes that it was typed.
      const scanner = new DetachScanner(parseDetachKeys(o.detachKeys ?? DEFAULT_DETACH_KEYS));
      const onData = (d: Buffer) => {
        if (scanner.scan(d).detach) detached = true;
        conn.write(d);
      };
      const onEnd = () => conn.end();
      process.stdin.on('data', onData);
      process.stdin.on('end', onEnd);
      process.stdin.resume();
      cleanups.push(() => {
        process.stdin.off('data', onData);
        process.stdin.off('end', onEnd);
        process.stdin.pause();
      });
    }
    const decoder = new FrameDecoder((stream, payload) => (stream === STDERR ? process.stderr : process.stdout).write(payload));
    conn.on('data', (chunk: Buffer) => {
      if (o.tty) process.stdout.write(chunk);
      else decoder.push(chunk);
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      for (const c of cleanups.reverse()) c();
      resolve({ detached });
    };
    conn.on('end', finish);
    conn.on('close', finish);
    conn.on('error', finish);
  });
}

/** The first resize, retried a few times with a growing pause while it fails (the process may not exist yet). */
async function initialResize(resize: (width: number, height: number) => Promise<unknown>): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      await resize(process.stdout.columns, process.stdout.rows);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 10 * attempt));
    }
  }
}
