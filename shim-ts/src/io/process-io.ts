// A process's stdio as the shim owns it: pipes (or a pty) between the process and its targets. The
// shim keeps these open while containerd-ts or the engine restart, so the process never sees EPIPE
// or SIGHUP because a daemon went away.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { linuxSyscalls as sys, PtyMaster } from '@stack/runc-ts';
import { parseIoUri, type IoTarget } from './io-uri.js';
import { JsonLogWriter } from './json-log-writer.js';
import { OutputFanout, type OutputListener, type StreamName } from './output-fanout.js';

const O_CLOEXEC = 0o2000000;
const AF_UNIX = 1;
const SOCK_STREAM = 1;

export interface StdioSpec {
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
}

/**
 * Opens a FIFO read-write, so the open never blocks and the FIFO never reports EOF or EPIPE when the
 * client's side comes and goes; used in one direction only (reading our own output back would eat it).
 */
function openFifo(path: string, direction: 'read' | 'write'): net.Socket {
  const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  return new net.Socket({ fd, readable: direction === 'read', writable: direction === 'write' });
}

function closeQuietly(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    fs.closeSync(fd);
  } catch {
    // closed already
  }
}

export class ProcessIo {
  /** The fds the runtime hands to the process as 0, 1, 2 (not for a terminal), until handed over. */
  childStdio: [number, number, number] | undefined;
  /** For a terminal: the socket end the runtime sends the pty master over. */
  consoleSocket: number | undefined;
  private consoleOurs: number | undefined;
  private master: PtyMaster | undefined;
  private stdinPipe?: net.Socket;
  private stdinSource?: net.Socket;
  private readonly outputs: net.Socket[] = [];
  private readonly listeners = new Set<OutputListener>();
  private readonly logs: JsonLogWriter[] = [];
  private readonly fanouts: OutputFanout[] = [];
  private readonly toClose: number[] = [];
  private drainedPromise: Promise<void> = Promise.resolve();
  /** Attached clients whose backlog is over their limit: output waits for them (as a full FIFO would). */
  private readonly behind = new Set<object>();
  private readonly onCaughtUp: Array<() => void> = [];
  readonly stdinTarget: IoTarget;

  private constructor(
    readonly spec: StdioSpec,
    private readonly onLogError: (message: string) => void,
  ) {
    this.stdinTarget = parseIoUri(spec.stdin);
  }

  static open(spec: StdioSpec, onLogError: (message: string) => void): ProcessIo {
    const io = new ProcessIo(spec, onLogError);
    try {
      io.setup();
    } catch (err) {
      io.close();
      throw err;
    }
    return io;
  }

  private logFor(target: IoTarget): JsonLogWriter | undefined {
    if (target.kind !== 'jsonlog') return undefined;
    const existing = this.logs.find((l) => l.path === target.path);
    if (existing) return existing;
    const w = new JsonLogWriter({ path: target.path, maxSize: target.maxSize, maxFiles: target.maxFiles }, this.onLogError);
    this.logs.push(w);
    return w;
  }

  private fanout(stream: StreamName, target: IoTarget): OutputFanout {
    let sink: net.Socket | undefined;
    let fileFd: number | undefined;
    if (target.kind === 'fifo') sink = openFifo(target.path, 'write');
    if (target.kind === 'file') {
      fileFd = fs.openSync(target.path, 'a', 0o640);
      this.toClose.push(fileFd);
    }
    const f = new OutputFanout(stream, this.listeners, this.logFor(target), sink, fileFd, (err) =>
      this.onLogError(`an attached client's ${stream} failed: ${(err as Error).message}`),
    );
    this.fanouts.push(f);
    return f;
  }

  /** Copies a readable into a fanout, pausing while its FIFO sink is full. */
  private pump(source: NodeJS.ReadableStream & { on(e: 'error', l: () => void): unknown }, f: OutputFanout): Promise<void> {
    return new Promise((resolve) => {
      source.on('data', (chunk: Buffer) => {
        const sinkFull = !f.push(chunk);
        if (sinkFull || this.behind.size > 0) {
          source.pause();
          void Promise.all([sinkFull ? f.waitDrain() : undefined, this.caughtUp()]).then(() => source.resume());
        }
      });
      source.on('error', () => undefined); // EIO from a pty whose slave closed: the end of output
      source.on('end', () => {
        f.end();
        resolve();
      });
      source.on('close', () => {
        f.end();
        resolve();
      });
    });
  }

  private setup(): void {
    const out = parseIoUri(this.spec.stdout);
    const err = parseIoUri(this.spec.stderr);
    if (this.spec.terminal) {
      [this.consoleOurs, this.consoleSocket] = sys.socketpair(AF_UNIX, SOCK_STREAM | O_CLOEXEC);
      this.fanout('stdout', out);
    } else {
      const stdinFd = this.setupStdin();
      const [outR, outW] = sys.pipe2(O_CLOEXEC);
      const [errR, errW] = sys.pipe2(O_CLOEXEC);
      this.childStdio = [stdinFd, outW, errW];
      const so = new net.Socket({ fd: outR, readable: true, writable: false });
      const se = new net.Socket({ fd: errR, readable: true, writable: false });
      this.outputs.push(so, se);
      this.drainedPromise = Promise.all([this.pump(so, this.fanout('stdout', out)), this.pump(se, this.fanout('stderr', err))]).then(() => undefined);
    }
  }

  private setupStdin(): number {
    const t = this.stdinTarget;
    if (t.kind === 'none') {
      const fd = fs.openSync('/dev/null', 'r');
      this.toClose.push(fd);
      return fd;
    }
    const [r, w] = sys.pipe2(O_CLOEXEC);
    this.toClose.push(r);
    this.stdinPipe = new net.Socket({ fd: w, readable: false, writable: true });
    this.stdinPipe.on('error', () => undefined); // EPIPE once the process closed its stdin
    if (t.kind === 'fifo') {
      this.stdinSource = openFifo(t.path, 'read');
      this.stdinSource.pipe(this.stdinPipe);
    } else if (t.kind !== 'attach') {
      throw new Error(`stdin cannot be ${t.kind}`);
    }
    return r;
  }

  /** After the runtime started the process: the child's ends of the pipes are its own now. */
  handedOver(): void {
    // Closed once and forgotten: a number closed twice may by then be another task's fd.
    if (this.childStdio) {
      for (const fd of this.childStdio) {
        closeQuietly(fd);
        const i = this.toClose.indexOf(fd);
        if (i >= 0) this.toClose.splice(i, 1);
      }
      this.childStdio = undefined;
    }
    closeQuietly(this.consoleSocket);
    this.consoleSocket = undefined;
  }

  /** For a terminal: receives the pty master the process sent and relays it. */
  receiveMaster(): void {
    if (this.consoleOurs === undefined) return;
    const { fds } = sys.recvFd(this.consoleOurs, Buffer.alloc(256));
    closeQuietly(this.consoleOurs);
    this.consoleOurs = undefined;
    const fd = fds[0];
    if (fd === undefined) throw new Error('the process did not send its terminal');
    const master = (this.master = new PtyMaster(sys, fd));
    this.drainedPromise = this.pump(master.output, this.fanouts[0]!);
    if (this.stdinTarget.kind === 'fifo') {
      this.stdinSource = openFifo(this.stdinTarget.path, 'read');
      this.stdinSource.on('data', (d: Buffer) => master.write(d));
    }
  }

  /** Bytes from an attached client to the process's stdin. */
  writeStdin(data: Buffer): void {
    if (this.master) this.master.write(data);
    else this.stdinPipe?.write(data);
  }

  /** CloseIO: the process sees end of file on stdin. */
  closeStdin(): void {
    if (this.master) {
      this.master.write(Buffer.from('\x04'));
      return;
    }
    this.stdinSource?.unpipe();
    this.stdinSource?.destroy();
    this.stdinPipe?.end();
  }

  resize(width: number, height: number): void {
    if (!this.spec.terminal) throw new Error('the process has no terminal');
    this.master?.resize(width, height);
  }

  /**
   * An attached client is behind (its unsent output is over its limit) or caught up again. While
   * any is behind, the process's output is not read: the shim's memory stays bounded whatever the
   * client does, and the process waits as it would on a full pipe.
   */
  setBehind(client: object, behind: boolean): void {
    if (behind) this.behind.add(client);
    else this.behind.delete(client);
    if (this.behind.size === 0) for (const resume of this.onCaughtUp.splice(0)) resume();
  }

  private caughtUp(): Promise<void> {
    return this.behind.size === 0 ? Promise.resolve() : new Promise((resolve) => this.onCaughtUp.push(resolve));
  }

  /** Raw output to an attached client until the returned function is called. */
  subscribe(listener: OutputListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every output reached its end (the process and its children closed them), or after `timeoutMs`. */
  drained(timeoutMs: number): Promise<void> {
    return Promise.race([this.drainedPromise, new Promise<void>((r) => setTimeout(r, timeoutMs).unref())]);
  }

  close(): void {
    for (const s of this.outputs) s.destroy();
    this.master?.close();
    this.stdinSource?.destroy();
    this.stdinPipe?.destroy();
    for (const l of this.logs) l.close();
    for (const fd of this.toClose.splice(0)) closeQuietly(fd);
    if (this.childStdio) for (const fd of this.childStdio.slice(1)) closeQuietly(fd);
    this.childStdio = undefined;
    closeQuietly(this.consoleOurs);
    closeQuietly(this.consoleSocket);
    this.consoleOurs = undefined;
    this.consoleSocket = undefined;
  }
}
