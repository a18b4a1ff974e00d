// Live stdio of a task's process over containerd-ts's TaskStreams.Attach, bridged to a hijacked HTTP
// connection: output framed (or raw with a TTY), stdin with detach keys, end of input passed on.
import type { Duplex } from 'node:stream';
import { AsyncQueue } from '@stack/proto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { AttachRequestSchema, AttachResponse } from '@stack/proto/gen/stack/tasks/v1/streams_pb';
import { DetachScanner } from '../../common/detach-keys.js';
import { frame, STDERR, STDOUT } from '../../common/stdcopy.js';
import type { Containerd } from '../containerd/client.js';

type Req = MessageInitShape<typeof AttachRequestSchema>;

export interface AttachOpen {
  containerId: string;
  execId: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export class TaskAttach {
  private readonly requests = new AsyncQueue<Req>();
  private readonly responses: AsyncIterator<AttachResponse>;
  private closed = false;
  private exit: number | undefined;

  private constructor(c: Containerd, open: AttachOpen) {
    this.requests.push({ kind: { case: 'open', value: open } });
    this.responses = c.streams.attach(this.requests)[Symbol.asyncIterator]();
  }

  /** Opens the streams and waits until the shim says output from now on reaches us. */
  static async open(c: Containerd, open: AttachOpen): Promise<TaskAttach> {
    const a = new TaskAttach(c, open);
    const first = await a.responses.next();
    if (first.done || first.value.kind.case !== 'attached') {
      a.close();
      throw new Error(`attach to ${open.containerId}${open.execId ? `/${open.execId}` : ''}: the stream did not open`);
    }
    return a;
  }

  /** Responses in order (concurrent calls queue: the stream is an async generator). */
  async next(): Promise<IteratorResult<AttachResponse>> {
    const r = await this.responses.next();
    if (!r.done && r.value.kind.case === 'exit') this.exit = r.value.kind.value.exitStatus;
    return r;
  }

  stdin(data: Buffer): void {
    if (!this.closed) this.requests.push({ kind: { case: 'stdin', value: data } });
  }

  closeStdin(): void {
    if (!this.closed) this.requests.push({ kind: { case: 'closeStdin', value: true } });
  }

  resize(width: number, height: number): void {
    if (!this.closed) this.requests.push({ kind: { case: 'resize', value: { width, height } } });
  }

  /**
   * Reads (and drops) the rest of the output until the process exits: its status, or undefined if
   * the stream ended first. Lets a process whose client left run on without cancelling the stream.
   */
  async exitStatus(): Promise<number | undefined> {
    try {
      // A reader that stopped early may have taken the exit message: next() keeps it.
      while (this.exit === undefined && !(await this.next()).done);
    } catch {
      // the stream failed: the exit is unknown
    } finally {
      this.close();
    }
    return this.exit;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.requests.end();
    void this.responses.return?.();
  }
}

export interface BridgeOptions {
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  detachKeys: number[];
  /** Close the process's stdin when the client ends its input (docker run -i: StdinOnce). */
  stdinOnce: boolean;
  /**
   * When the client leaves or detaches, leave the stream open (stdin closed) for the caller, who
   * reads it to the exit (exec); otherwise it is closed.
   */
  keepOnLeave?: boolean;
}

export interface BridgeResult {
  exitStatus?: number;
  detached: boolean;
}

/** Copies both ways until the process exits, the client detaches, or the client goes away. */
export function bridge(conn: Duplex, a: TaskAttach, o: BridgeOptions): Promise<BridgeResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: BridgeResult) => {
      if (done) return;
      done = true;
      if (r.exitStatus === undefined && o.keepOnLeave) {
        if (o.stdin) a.closeStdin();
      } else a.close();
      conn.off('data', onData);
      resolve(r);
    };
    const scanner = new DetachScanner(o.detachKeys);
    const onData = (chunk: Buffer) => {
      if (!o.stdin) return;
      const { pass, detach } = scanner.scan(chunk);
      if (pass.length) a.stdin(pass);
      if (detach) {
        conn.end();
        finish({ detached: true });
      }
    };
    conn.on('data', onData);
    conn.on('end', () => {
      if (o.stdin && o.stdinOnce) a.closeStdin();
    });
    conn.on('close', () => finish({ detached: true }));
    conn.on('error', () => finish({ detached: true }));
    conn.resume();
    void (async () => {
      try {
        for (let r = await a.next(); !r.done && !done; r = await a.next()) {
          const k = r.value.kind;
          if (k.case === 'stdout' && o.stdout) conn.write(o.tty ? Buffer.from(k.value) : frame(STDOUT, Buffer.from(k.value)));
          else if (k.case === 'stderr' && o.stderr) conn.write(o.tty ? Buffer.from(k.value) : frame(STDERR, Buffer.from(k.value)));
          else if (k.case === 'exit') return finish({ exitStatus: k.value.exitStatus, detached: false });
        }
        finish({ detached: false });
      } catch {
        finish({ detached: false });
      }
    })();
  });
}
