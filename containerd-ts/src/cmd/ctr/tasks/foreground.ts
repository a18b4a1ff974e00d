// A process in the foreground of ctr-ts (run, tasks start/exec/attach): attach before it starts so
// no output is lost, relay our stdin, terminal size and signals, and return its exit status.
import { constants } from 'node:os';
import type { StackClient } from '../../../client/client.js';
import { attachProcess } from '../../../client/task-attach.js';
import { consoleSize, onResize, rawMode } from './console.js';

export interface ForegroundOptions {
  containerId: string;
  execId?: string;
  /** The process has a pty: raw mode here, resizes, no signal forwarding (^C is a byte). */
  tty: boolean;
  /** Relay our stdin (the process's stdin must be "attach:" or a pty). */
  stdin: boolean;
  /** Starts the process once attached; absent when it already runs (tasks attach). */
  start?: () => Promise<unknown>;
}

/** What ctr forwards to a process without a terminal (commands.ForwardAllSignals, the usual ones). */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;

function writer(stream: NodeJS.WriteStream): (chunk: Uint8Array) => void {
  let broken = false;
  // A reader that went away (`| head`) must not take us down before we collect the exit status.
  stream.on('error', () => (broken = true));
  return (chunk) => {
    if (!broken) stream.write(chunk);
  };
}

export async function runForeground(c: StackClient, o: ForegroundOptions): Promise<number> {
  const execId = o.execId ?? '';
  const io = await attachProcess(c, { containerId: o.containerId, execId, stdin: o.stdin, stdout: true, stderr: !o.tty }, { stdout: writer(process.stdout), stderr: writer(process.stderr) });
  const undo: Array<() => void> = [];
  try {
    const resize = (width: number, height: number) => void c.tasks.resizePty({ containerId: o.containerId, execId, width, height }).catch(() => undefined);
    const size = o.tty ? consoleSize() : undefined;
    // The first resize and the start do not depend on each other.
    await Promise.all([size ? c.tasks.resizePty({ containerId: o.containerId, execId, ...size }).catch(() => undefined) : undefined, o.start?.()]);
    if (o.tty) {
      undo.push(rawMode(), onResize(resize));
    } else {
      for (const name of FORWARDED) {
        const h = () => void c.tasks.kill({ containerId: o.containerId, execId, signal: constants.signals[name] }).catch(() => undefined);
        process.on(name, h);
        undo.push(() => process.off(name, h));
      }
    }
    if (o.stdin) {
      const onData = (d: Buffer) => io.writeStdin(d);
      const onEnd = () => (o.tty ? undefined : io.closeStdin());
      process.stdin.on('data', onData).on('end', onEnd).on('error', () => undefined);
      undo.push(() => {
        process.stdin.off('data', onData).off('end', onEnd);
        process.stdin.pause();
      });
    }
    const status = await io.exit;
    return status ?? (await c.tasks.wait({ containerId: o.containerId, execId })).exitStatus;
  } catch (err) {
    io.detach();
    throw err;
  } finally {
    for (const u of undo.reverse()) u();
  }
}
