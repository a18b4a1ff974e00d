// Reads a container's json-file log (written by the shim, rotated as <log>, <log>.1 … <log>.N):
// tail, since/until, and follow that survives rotation and ends when the container stops.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LogRecord {
  log: string;
  stream: 'stdout' | 'stderr';
  time: string;
}

export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  /** Last N records; undefined: all. */
  tail?: number;
  /** Seconds since the epoch (fractions allowed). */
  since?: number;
  until?: number;
  follow: boolean;
  /** Asked while following: false ends the stream once the file is drained. */
  isRunning(): boolean;
  signal: AbortSignal;
}

/** A line that is not a whole record (a writer that died mid-record, a damaged file): reported, not skipped. */
export interface LogDamage {
  damage: string;
}

export type LogEntry = LogRecord | LogDamage;

export function isDamage(e: LogEntry): e is LogDamage {
  return 'damage' in e;
}

function timeOf(r: LogRecord): number {
  return Date.parse(r.time) / 1000;
}

function isRecord(v: unknown): v is LogRecord {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return typeof r.log === 'string' && (r.stream === 'stdout' || r.stream === 'stderr') && typeof r.time === 'string' && !Number.isNaN(Date.parse(r.time));
}

export function parseLines(text: string, file: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      out.push({ damage: `damaged log record in ${file}: ${(err as Error).message}` });
      continue;
    }
    out.push(isRecord(v) ? v : { damage: `damaged log record in ${file}: not a json-file record` });
  }
  return out;
}

function rotatedFiles(logPath: string): string[] {
  const files: string[] = [];
  for (let i = 1; i < 100; i++) {
    if (!fs.existsSync(`${logPath}.${i}`)) break;
    files.unshift(`${logPath}.${i}`);
  }
  return files;
}

export async function* readLogs(logPath: string, o: LogOptions): AsyncGenerator<LogEntry> {
  const file = path.basename(logPath);
  const wanted = (r: LogEntry) =>
    isDamage(r) ||
    ((r.stream === 'stdout' ? o.stdout : o.stderr) && (o.since === undefined || timeOf(r) >= o.since) && (o.until === undefined || timeOf(r) <= o.until));
  let records: LogEntry[] = [];
  for (const f of rotatedFiles(logPath)) {
    try {
      records.push(...parseLines(fs.readFileSync(f, 'utf8'), path.basename(f)));
    } catch {
      // rotated away while reading
    }
  }
  let fd: number | undefined;
  let ino = 0;
  let offset = 0;
  let partial = '';
  const openCurrent = () => {
    try {
      fd = fs.openSync(logPath, 'r');
      ino = fs.fstatSync(fd).ino;
      offset = 0;
      partial = '';
    } catch {
      fd = undefined;
    }
  };
  const readNew = (): LogEntry[] => {
    if (fd === undefined) openCurrent();
    if (fd === undefined) return [];
    const size = fs.fstatSync(fd).size;
    if (size < offset) {
      offset = 0;
      partial = '';
    }
    if (size === offset) return [];
    const buf = Buffer.alloc(size - offset);
    const n = fs.readSync(fd, buf, 0, buf.length, offset);
    offset += n;
    const text = partial + buf.subarray(0, n).toString('utf8');
    const cut = text.lastIndexOf('\n');
    partial = text.slice(cut + 1);
    return parseLines(text.slice(0, cut + 1), file);
  };
  try {
    records.push(...readNew());
    records = records.filter(wanted);
    if (o.tail !== undefined && o.tail >= 0) records = o.tail === 0 ? [] : records.slice(-o.tail);
    for (const r of records) yield r;
    if (!o.follow) return;
    for (;;) {
      if (o.signal.aborted) return;
      const running = o.isRunning();
      // Rotation: the path now names a new file; finish the old one, then go on with the new.
      let rotated = false;
      try {
        rotated = fd !== undefined && fs.statSync(logPath).ino !== ino;
      } catch {
        rotated = false;
      }
      for (const r of readNew()) if (wanted(r)) yield r;
      if (rotated) {
        if (fd !== undefined) fs.closeSync(fd);
        fd = undefined;
        continue;
      }
      if (!running) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
