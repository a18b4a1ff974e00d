// Container output to the CRI log format kubelet and crictl read: one record per line,
// `<RFC 3339 time with nanoseconds> <stdout|stderr> <F|P> <text>`; P marks a piece of a line longer
// than the record limit, F the piece that ends it.
import * as fs from 'node:fs';
import { fifoReader } from './fifo.js';

/** Longest text per record; longer lines are split into P records. */
export const MAX_LOG_LINE = 16 * 1024;

/** RFC 3339 with nanoseconds, UTC: 2026-01-02T03:04:05.123456789Z. */
export function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}

/** Splits a stream's bytes into CRI log records; `end` flushes a last line without a newline. */
export class CriLineSplitter {
  private pending = Buffer.alloc(0);

  constructor(
    private readonly stream: 'stdout' | 'stderr',
    private readonly emit: (record: string) => void,
    private readonly now: () => bigint = () => process.hrtime.bigint() - HR_BASE + WALL_BASE,
  ) {}

  private record(tag: 'F' | 'P', text: Buffer): void {
    this.emit(`${rfc3339Nano(this.now())} ${this.stream} ${tag} ${text.toString('utf8')}\n`);
  }

  write(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const nl = buf.indexOf(0x0a);
      if (nl < 0) break;
      let line = buf.subarray(0, nl);
      while (line.length > MAX_LOG_LINE) {
        this.record('P', line.subarray(0, MAX_LOG_LINE));
        line = line.subarray(MAX_LOG_LINE);
      }
      this.record('F', line);
      buf = buf.subarray(nl + 1);
    }
    while (buf.length > MAX_LOG_LINE) {
      this.record('P', buf.subarray(0, MAX_LOG_LINE));
      buf = buf.subarray(MAX_LOG_LINE);
    }
    this.pending = Buffer.from(buf);
  }

  end(): void {
    if (this.pending.length) this.record('F', this.pending);
    this.pending = Buffer.alloc(0);
  }
}

const WALL_BASE = BigInt(Date.now()) * 1_000_000n;
const HR_BASE = process.hrtime.bigint();

export interface LogPump {
  /** Resolves once both streams ended and everything is written. */
  done: Promise<void>;
  /** Closes the log file and opens its path again (after a rotation renamed it: ReopenContainerLog). */
  reopen(): void;
  /** Stops reading (what was read is written) and ends. */
  abandon(): void;
  /** Receives the raw output as it is read (Attach); returns the unsubscribe. */
  subscribe(listener: OutputListener): () => void;
}

export type OutputListener = (stream: 'stdout' | 'stderr', chunk: Buffer) => void;

/**
 * Copies a process's stdout and stderr FIFOs into the log file until both reach end of file (the
 * shim closes them once the output drained). Call once the shim holds them open.
 */
export function pumpLogs(fifos: { stdout: string; stderr?: string | undefined }, logPath: string | undefined): LogPump {
  const listeners = new Set<OutputListener>();
  let out = logPath ? fs.openSync(logPath, 'a', 0o640) : undefined;
  const write = (s: string) => {
    if (out !== undefined) fs.writeSync(out, s);
  };
  const readers: Array<{ destroy(): void }> = [];
  const one = (file: string, stream: 'stdout' | 'stderr') =>
    new Promise<void>((resolve) => {
      const split = new CriLineSplitter(stream, write);
      const rs = fifoReader(file);
      readers.push(rs);
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        split.end();
        resolve();
      };
      rs.on('data', (c: Buffer) => {
        split.write(c);
        for (const l of listeners) l(stream, c);
      });
      rs.on('error', finish);
      rs.on('end', finish);
      rs.on('close', finish);
    });
  let ended = false;
  // With a terminal there is no stderr (the shim never opens that FIFO, so it is not read at all).
  const done = Promise.all([one(fifos.stdout, 'stdout'), fifos.stderr ? one(fifos.stderr, 'stderr') : undefined]).then(() => {
    ended = true;
    if (out !== undefined) fs.closeSync(out);
    out = undefined;
  });
  return {
    done,
    reopen() {
      if (!logPath || ended) return;
      // Open first: if the directory went away the old file stays in use and the caller hears why.
      const next = fs.openSync(logPath, 'a', 0o640);
      if (out !== undefined) fs.closeSync(out);
      out = next;
    },
    abandon() {
      for (const r of readers) r.destroy();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
