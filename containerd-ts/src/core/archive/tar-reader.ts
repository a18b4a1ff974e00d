// A streaming tar reader (ustar, PAX and GNU long names) that hands each entry to a synchronous
// handler and file bodies to a sink chunk by chunk, so a layer is never held in memory whole.
import { invalidArgument } from '../errdefs.js';

export type EntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarHeader {
  /** The path as written in the archive (PAX path or GNU long name applied). */
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch, with fractions from PAX. */
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** Extended attributes from PAX `SCHILY.xattr.*` records. */
  xattrs: Map<string, Buffer>;
}

export interface BodySink {
  data(chunk: Buffer): void;
  end(): void;
}

/** Called per entry; return a sink to receive a file's body, or nothing to skip it. */
export type EntryHandler = (header: TarHeader) => BodySink | undefined;

const BLOCK = 512;

function cstring(buf: Buffer, off: number, len: number): string {
  const end = buf.indexOf(0, off);
  return buf.toString('utf8', off, end >= off && end < off + len ? end : off + len);
}

function numeric(buf: Buffer, off: number, len: number): number {
  const first = buf[off] as number;
  if (first & 0x80) {
    // GNU base-256: big-endian two's complement with the top bit as a flag.
    let v = first & 0x3f;
    for (let i = 1; i < len; i++) v = v * 256 + (buf[off + i] as number);
    return first & 0x40 ? -v : v;
  }
  const s = cstring(buf, off, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw invalidArgument(`tar: bad numeric field ${JSON.stringify(s)}`);
  return parseInt(s, 8);
}

function checksumOk(block: Buffer): boolean {
  const want = numeric(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] as number);
  return sum === want;
}

const TYPES: Record<string, EntryType> = { '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo' };

function parsePax(data: Buffer, into: Map<string, string | Buffer>): void {
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) break;
    const len = parseInt(data.toString('ascii', pos, sp), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > data.length) throw invalidArgument('tar: malformed PAX record');
    const rec = data.subarray(sp + 1, pos + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq > 0) {
      const key = rec.toString('utf8', 0, eq);
      // xattr values are binary; keep them as bytes.
      into.set(key, key.startsWith('SCHILY.xattr.') ? Buffer.from(rec.subarray(eq + 1)) : rec.toString('utf8', eq + 1));
    }
    pos += len;
  }
}

type Meta = { kind: 'pax' | 'gpax' | 'longname' | 'longlink'; size: number; parts: Buffer[] };

export class TarReader {
  private pending: Buffer | undefined;
  private state: 'header' | 'body' | 'meta' | 'padding' | 'eof' = 'header';
  private remaining = 0;
  private padding = 0;
  private sink: BodySink | undefined;
  private meta: Meta | undefined;
  private pax = new Map<string, string | Buffer>();
  private globalPax = new Map<string, string | Buffer>();
  private longName: string | undefined;
  private longLink: string | undefined;
  private zeroBlocks = 0;
  /** Bytes of archive consumed, for error messages. */
  offset = 0;

  constructor(private readonly onEntry: EntryHandler) {}

  get finished(): boolean {
    return this.state === 'eof';
  }

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let pos = 0;
    while (pos < buf.length) {
      switch (this.state) {
        case 'eof':
          return; // trailing data after the end marker is ignored, as tar does
        case 'header': {
          if (buf.length - pos < BLOCK) {
            this.pending = Buffer.from(buf.subarray(pos));
            return;
          }
          this.header(buf.subarray(pos, pos + BLOCK));
          pos += BLOCK;
          this.offset += BLOCK;
          break;
        }
        case 'body':
        case 'meta': {
          const n = Math.min(this.remaining, buf.length - pos);
          const piece = buf.subarray(pos, pos + n);
          if (this.state === 'body') this.sink?.data(piece);
          else this.meta?.parts.push(Buffer.from(piece));
          pos += n;
          this.offset += n;
          this.remaining -= n;
          if (this.remaining === 0) this.finishData();
          break;
        }
        case 'padding': {
          const n = Math.min(this.padding, buf.length - pos);
          pos += n;
          this.offset += n;
          this.padding -= n;
          if (this.padding === 0) this.state = 'header';
          break;
        }
      }
    }
  }

  /** Call after the last chunk: fails if the archive stopped in the middle of an entry. */
  end(): void {
    if (this.state === 'body' || this.state === 'meta' || this.pending) throw invalidArgument(`tar: unexpected end of archive at byte ${this.offset}`);
    if (this.state === 'padding') this.state = 'eof';
    this.sink = undefined;
  }

  private finishData(): void {
    if (this.state === 'body') {
      const s = this.sink;
      this.sink = undefined;
      s?.end();
    } else if (this.meta) {
      this.applyMeta(this.meta);
      this.meta = undefined;
    }
    this.state = this.padding > 0 ? 'padding' : 'header';
  }

  private applyMeta(m: Meta): void {
    const data = Buffer.concat(m.parts);
    if (m.kind === 'pax') parsePax(data, this.pax);
    else if (m.kind === 'gpax') parsePax(data, this.globalPax);
    else {
      const s = cstring(data, 0, data.length);
      if (m.kind === 'longname') this.longName = s;
      else this.longLink = s;
    }
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      if (++this.zeroBlocks === 2) this.state = 'eof';
      return;
    }
    this.zeroBlocks = 0;
    if (!checksumOk(block)) throw invalidArgument(`tar: bad header checksum at byte ${this.offset}`);
    const flag = String.fromCharCode(block[156] as number);
    const size = numeric(block, 124, 12);
    if (size < 0) throw invalidArgument('tar: negative entry size');
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    const metaKind = flag === 'x' ? 'pax' : flag === 'g' ? 'gpax' : flag === 'L' ? 'longname' : flag === 'K' ? 'longlink' : undefined;
    if (metaKind) {
      if (size > 16 * 1024 * 1024) throw invalidArgument('tar: metadata entry too large');
      this.meta = { kind: metaKind, size, parts: [] };
      this.remaining = size;
      this.state = 'meta';
      if (size === 0) this.finishData();
      return;
    }
    const type = TYPES[flag];
    const magic = block.toString('ascii', 257, 262);
    let name = cstring(block, 0, 100);
    if (magic === 'ustar') {
      const prefix = cstring(block, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    const pax = new Map([...this.globalPax, ...this.pax]);
    this.pax = new Map();
    const str = (k: string) => {
      const v = pax.get(k);
      return typeof v === 'string' ? v : undefined;
    };
    const num = (k: string, fallback: number) => {
      const v = str(k);
      return v === undefined ? fallback : Number(v);
    };
    name = str('path') ?? this.longName ?? name;
    const linkname = str('linkpath') ?? this.longLink ?? cstring(block, 157, 100);
    this.longName = undefined;
    this.longLink = undefined;
    const realSize = num('size', size);
    const xattrs = new Map<string, Buffer>();
    for (const [k, v] of pax) if (k.startsWith('SCHILY.xattr.') && Buffer.isBuffer(v)) xattrs.set(k.slice('SCHILY.xattr.'.length), v);
    const h: TarHeader = {
      name,
      type: type ?? 'file',
      mode: numeric(block, 100, 8) & 0o7777,
      uid: num('uid', numeric(block, 108, 8)),
      gid: num('gid', numeric(block, 116, 8)),
      size: type === 'file' || type === undefined ? realSize : 0,
      mtime: num('mtime', numeric(block, 136, 12)),
      linkname,
      devmajor: numeric(block, 329, 8),
      devminor: numeric(block, 337, 8),
      xattrs,
    };
    if (type === undefined && !/^[A-Z]$/.test(flag)) throw invalidArgument(`tar: unsupported entry type ${JSON.stringify(flag)} for ${name}`);
    // Vendor extensions (capital letters) other than those handled above are skipped, body and all.
    this.sink = type === undefined ? undefined : this.onEntry(h);
    this.padding = (BLOCK - (realSize % BLOCK)) % BLOCK;
    this.remaining = realSize;
    this.state = 'body';
    if (realSize === 0) this.finishData();
  }
}
