// The container log: Docker's json-file format, one {"log","stream","time"} record per line, with
// size-based rotation (<path>, <path>.1, … <path>.N). A failed write (a full disk) is reported once
// and the record dropped: the container must keep running whatever happens to its log.
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

  readonly path: string;

  constructor(
    private readonly opts: JsonLogOptions,
    private readonly onError: (message: string) => void,
  ) {
    this.path = opts.path;
    this.fd = fs.openSync(opts.path, 'a', 0o640);
    this.size = fs.fstatSync(this.fd).size;
  }

  write(stream: 'stdout' | 'stderr', line: Buffer, epochMs: number): void {
    const record = Buffer.from(`${JSON.stringify({ log: line.toString('utf8'), stream, time: logTimestamp(epochMs) })}\n`);
    try {
      if (this.opts.maxSize && this.size > 0 && this.size + record.length > this.opts.maxSize) this.rotate();
      fs.writeSync(this.fd, record);
      this.size += record.length;
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
