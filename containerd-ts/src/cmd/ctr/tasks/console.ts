// Our own terminal while a process is attached: raw mode for a container's pty (so ^C, arrow keys
// and the like reach it as bytes), our window size, and resizes on SIGWINCH.
import type { WriteStream } from 'node:tty';

function ttyOut(): WriteStream | undefined {
  if (process.stdout.isTTY) return process.stdout;
  if (process.stderr.isTTY) return process.stderr;
  return undefined;
}

export function consoleSize(): { width: number; height: number } | undefined {
  const t = ttyOut();
  return t ? { width: t.columns, height: t.rows } : undefined;
}

/** Puts our stdin in raw mode (if it is a terminal); returns the undo. */
export function rawMode(): () => void {
  if (!process.stdin.isTTY) return () => undefined;
  process.stdin.setRawMode(true);
  return () => {
    try {
      process.stdin.setRawMode(false);
    } catch {
      // the terminal went away
    }
  };
}

/** Calls `resize` on every SIGWINCH; returns the undo. */
export function onResize(resize: (width: number, height: number) => void): () => void {
  const handler = () => {
    const s = consoleSize();
    if (s) resize(s.width, s.height);
  };
  process.on('SIGWINCH', handler);
  return () => process.off('SIGWINCH', handler);
}
