// The container log: Docker's json-file format, one {"log","stream","time"} record per line, with
// size-based rotation (<path>, <path>.1, … <path>.N). A failed write (a full disk) is reported once
// and the record dropped: the container must keep running whatever happens to its log. Every record
// lands whole or not at all: a short write is cut back off, so no torn record is glued to the next.
import * as fs from 'node:fs';

export interface JsonLogOptions {
  path: string;
  /** Rotate when the file would grow past this many bytes; 0 or absent: never. */
  maxSize?: number;
  /** Files kept including the current one (Docker's max-file); default 1. */
  maxFiles?: number;
}

/** RFC 3339 with nanoseconds, as Docker writes it. */
export function logTimestamp(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const iso = new Date(whole).toISOString(); // 2026-11-23T21:00:00.123Z
  const nanos = Math.round((epochMs - whole) * 1e6);
  return `${iso.slice(0, 23)}${String(nanos).padStart(6, '0')}Z`;
}

export class JsonLogWriter {
  private fd: number;
  private size: number;
  private failing = false;
  /** The file ends inside a record that could not be finished yet. */
  private tornTail = false;

  readonly path: string;

  constructor(
    private readonly opts: JsonLogOptions,
    private readonly onError: (message: string) => void,
  ) {
    this.path = opts.path;
    this.fd = fs.openSync(opts.path, 'a', 0o640);
    this.size = fs.fstatSync(this.fd).size;
    this.endTornTail();
  }

  /**
   * A log left by a writer that died mid-record ends without a newline: end that line so the torn
   * record stays one damaged line (readers report it) instead of swallowing the next record.
   */
  private endTornTail(): void {
    if (this.size === 0) return;
    const last = Buffer.alloc(1);
    const rfd = fs.openSync(this.opts.path, 'r');
    try {
      fs.readSync(rfd, last, 0, 1, this.size - 1);
    } finally {
      fs.closeSync(rfd);
    }
    if (last[0] === 0x0a) return;
    try {
      this.size += fs.writeSync(this.fd, '\n');
    } catch {
      // a full disk: the next record's write ends it instead (see write)
      this.tornTail = true;
    }
  }

  write(stream: 'stdout' | 'stderr', line: Buffer, epochMs: number): void {
    const record = Buffer.from(`${JSON.stringify({ log: line.toString('utf8'), stream, time: logTimestamp(epochMs) })}\n`);
    try {
      if (this.opts.maxSize && this.size > 0 && this.size + record.length > this.opts.maxSize) this.rotate();
      const data = this.tornTail ? Buffer.concat([Buffer.from('\n'), record]) : record;
      const n = fs.writeSync(this.fd, data);
      if (n < data.length) {
        // Out of space part-way: take the part back (the file ends at the last whole record).
        try {
          fs.ftruncateSync(this.fd, this.size);
        } catch {
          // cannot cut it back: the next record starts on a new line instead
          this.size += n;
          this.tornTail = true;
        }
        throw Object.assign(new Error(`short write (${n} of ${data.length} bytes)`), { code: 'ENOSPC' });
      }
      this.size += data.length;
      this.tornTail = false;
      if (this.failing) {
        this.failing = false;
        this.onError(`log ${this.opts.path}: writing again`);
      }
    } catch (err) {
      if (!this.failing) {
        this.failing = true;
        this.onError(`log ${this.opts.path}: cannot write, dropping records until it can: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
  }

  private rotate(): void {
    const keep = Math.max(1, this.opts.maxFiles ?? 1);
    fs.closeSync(this.fd);
    if (keep === 1) {
      fs.truncateSync(this.opts.path, 0);
    } else {
      for (let i = keep - 1; i >= 1; i--) {
        const from = i === 1 ? this.opts.path : `${this.opts.path}.${i - 1}`;
        if (fs.existsSync(from)) fs.renameSync(from, `${this.opts.path}.${i}`);
      }
    }
    this.fd = fs.openSync(this.opts.path, 'a', 0o640);
    this.size = 0;
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // closed already
    }
  }
}
