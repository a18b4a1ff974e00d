// A streaming exec in a running container (CRI Exec, served over the streaming server): the process
// is a task exec in the container's shim with FIFOs for its stdio, a terminal when asked, its stdin
// written and closed (CloseIO) and its terminal resized as the client says; killed if the client goes.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { PROCESS_TYPE_URL } from '../../client/oci/spec.js';
import { mknod } from '../../core/sys/linux.js';
import { specOf } from '../container.js';
import { fifoReader, makeFifos, S_IFIFO_MODE } from '../fifo.js';
import { CRI_CTX } from '../images.js';
import type { SandboxDeps } from '../sandbox.js';

export interface ExecOptions {
  cmd: string[];
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export interface ExecSession {
  stdout: net.Socket | undefined;
  stderr: net.Socket | undefined;
  writeStdin(data: Buffer): void;
  closeStdin(): Promise<void>;
  resize(width: number, height: number): Promise<void>;
  /** The exit status, once the process ended and its output was read. */
  exited: Promise<number>;
  kill(): Promise<void>;
}

export async function startExec(sb: SandboxDeps, fifoDir: string, containerId: string, o: ExecOptions): Promise<ExecSession> {
  const shim = await sb.runtime.taskShim(CRI_CTX, containerId);
  const spec = specOf(sb, containerId);
  const execId = `stream-${randomBytes(8).toString('hex')}`;
  const dir = path.join(fifoDir, containerId);
  const fifos = makeFifos(dir, execId);
  const stdinFifo = path.join(dir, `${execId}-stdin`);
  if (o.stdin) mknod(stdinFifo, S_IFIFO_MODE, 0, 0);
  const cleanup = () => {
    for (const f of [fifos.stdout, fifos.stderr, stdinFifo]) fs.rmSync(f, { force: true });
  };
  const proc = { ...spec.process, args: o.cmd, terminal: o.tty };
  try {
    await shim.task.exec({ id: containerId, execId, terminal: o.tty, stdin: o.stdin ? stdinFifo : '', stdout: fifos.stdout, stderr: o.tty ? '' : fifos.stderr, spec: { typeUrl: PROCESS_TYPE_URL, value: Buffer.from(JSON.stringify(proc)) } });
  } catch (err) {
    cleanup();
    throw err;
  }
  const stdout = fifoReader(fifos.stdout);
  const stderr = o.tty ? undefined : fifoReader(fifos.stderr);
  // Read-write, so the open never fails for want of a reader (with a terminal the shim opens its side
  // only at start); what is written waits in the FIFO. Its end reaches the process through CloseIO.
  const stdin = o.stdin ? new net.Socket({ fd: fs.openSync(stdinFifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK), readable: false, writable: true }) : undefined;
  stdin?.on('error', () => undefined); // the process closed its stdin
  const ended = (s: net.Socket | undefined) => (s ? new Promise<void>((r) => (s.once('end', r), s.once('close', r), s.once('error', () => r()))) : Promise.resolve());
  const outputsDone = Promise.all([ended(stdout), ended(stderr)]);
  try {
    await shim.task.start({ id: containerId, execId });
  } catch (err) {
    stdout.destroy();
    stderr?.destroy();
    stdin?.destroy();
    await shim.task.delete({ id: containerId, execId }).catch(() => undefined);
    cleanup();
    throw err;
  }
  const exited = (async () => {
    try {
      const w = await shim.task.wait({ id: containerId, execId });
      await outputsDone;
      return w.exitStatus;
    } finally {
      stdin?.destroy();
      await shim.task.delete({ id: containerId, execId }).catch(() => undefined);
      cleanup();
    }
  })();
  return {
    stdout: o.stdout || o.tty ? stdout : (stdout.resume(), undefined),
    stderr: o.stderr ? stderr : (stderr?.resume(), undefined),
    writeStdin: (data) => void stdin?.write(data),
    closeStdin: async () => {
      stdin?.end();
      await shim.task.closeIO({ id: containerId, execId, stdin: true }).catch(() => undefined);
    },
    resize: async (width, height) => {
      if (o.tty) await shim.task.resizePty({ id: containerId, execId, width, height }).catch(() => undefined);
    },
    exited,
    kill: async () => {
      await shim.task.kill({ id: containerId, execId, signal: 9, all: false }).catch(() => undefined);
    },
  };
}
