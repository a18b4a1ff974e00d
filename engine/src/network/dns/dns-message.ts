// DNS wire format (RFC 1035 §4): the header, questions and resource records. Names are read with
// compression pointers (guarded against loops) and written without them, except that answers
// about the first question's name point back to it (offset 12), which keeps replies small.

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export const OPCODE_QUERY = 0;

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export interface DnsRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: Buffer;
}

export interface DnsMessage {
  id: number;
  /** QR, opcode, AA, TC, RD, RA, Z and rcode as the 16-bit header word. */
  flags: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
}

export class DnsFormatError extends Error {}

export const flag = {
  qr: (f: number) => (f & 0x8000) !== 0,
  opcode: (f: number) => (f >> 11) & 0xf,
  tc: (f: number) => (f & 0x0200) !== 0,
  rd: (f: number) => (f & 0x0100) !== 0,
  rcode: (f: number) => f & 0xf,
};

/** Header flags of a reply to `query`: QR set, opcode and RD echoed, recursion available. */
export function replyFlags(queryFlags: number, rcode: number, authoritative: boolean, truncated = false): number {
  return 0x8000 | (queryFlags & 0x7800) | (authoritative ? 0x0400 : 0) | (truncated ? 0x0200 : 0) | (queryFlags & 0x0100) | 0x0080 | (rcode & 0xf);
}

class Reader {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new DnsFormatError('message truncated');
  }
  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return Buffer.from(b);
  }
}

/** Reads a (possibly compressed) name at `offset`; returns it and where the name ended in place. */
export function readName(buf: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let pos = offset;
  let end = -1;
  let jumps = 0;
  let length = 0;
  for (;;) {
    if (pos >= buf.length) throw new DnsFormatError('name runs past the message');
    const len = buf.readUInt8(pos);
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new DnsFormatError('truncated compression pointer');
      if (++jumps > 32) throw new DnsFormatError('compression pointer loop');
      if (end < 0) end = pos + 2;
      pos = ((len & 0x3f) << 8) | buf.readUInt8(pos + 1);
      continue;
    }
    if ((len & 0xc0) !== 0) throw new DnsFormatError('unsupported label type');
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    if (pos + 1 + len > buf.length) throw new DnsFormatError('label runs past the message');
    labels.push(buf.toString('latin1', pos + 1, pos + 1 + len));
    length += len + 1;
    if (length > 255) throw new DnsFormatError('name longer than 255 octets');
    pos += 1 + len;
  }
  return { name: labels.join('.'), end };
}

export function encodeName(name: string): Buffer {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const parts: Buffer[] = [];
  if (trimmed !== '') {
    for (const label of trimmed.split('.')) {
      const b = Buffer.from(label, 'latin1');
      if (b.length === 0 || b.length > 63) throw new DnsFormatError(`bad label in ${name}`);
      parts.push(Buffer.from([b.length]), b);
    }
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > 255) throw new DnsFormatError(`name too long: ${name}`);
  return out;
}

function readRecords(r: Reader, count: number): DnsRecord[] {
  const out: DnsRecord[] = [];
  for (let i = 0; i < count; i++) {
    const { name, end } = readName(r.buf, r.pos);
    r.pos = end;
    const type = r.u16();
    const klass = r.u16();
    const ttl = r.u32();
    const len = r.u16();
    out.push({ name, type, class: klass, ttl, data: r.bytes(len) });
  }
  return out;
}

export function decodeMessage(buf: Buffer): DnsMessage {
  const r = new Reader(buf);
  const id = r.u16();
  const flags = r.u16();
  const qd = r.u16();
  const an = r.u16();
  const ns = r.u16();
  const ar = r.u16();
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < qd; i++) {
    const { name, end } = readName(buf, r.pos);
    r.pos = end;
    questions.push({ name, type: r.u16(), class: r.u16() });
  }
  return { id, flags, questions, answers: readRecords(r, an), authorities: readRecords(r, ns), additionals: readRecords(r, ar) };
}

export function encodeMessage(msg: DnsMessage): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(msg.id, 0);
  header.writeUInt16BE(msg.flags, 2);
  header.writeUInt16BE(msg.questions.length, 4);
  header.writeUInt16BE(msg.answers.length, 6);
  header.writeUInt16BE(msg.authorities.length, 8);
  header.writeUInt16BE(msg.additionals.length, 10);
  const parts: Buffer[] = [header];
  const firstName = msg.questions[0]?.name.toLowerCase().replace(/\.$/, '');
  for (const q of msg.questions) {
    const fixed = Buffer.alloc(4);
    fixed.writeUInt16BE(q.type, 0);
    fixed.writeUInt16BE(q.class, 2);
    parts.push(encodeName(q.name), fixed);
  }
  for (const rec of [...msg.answers, ...msg.authorities, ...msg.additionals]) {
    const sameAsQuestion = firstName !== undefined && rec.name.toLowerCase().replace(/\.$/, '') === firstName;
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(rec.type, 0);
    fixed.writeUInt16BE(rec.class, 2);
    fixed.writeUInt32BE(rec.ttl >>> 0, 4);
    fixed.writeUInt16BE(rec.data.length, 8);
    parts.push(sameAsQuestion ? Buffer.from([0xc0, 12]) : encodeName(rec.name), fixed, rec.data);
  }
  return Buffer.concat(parts);
}

export function aData(ip: string): Buffer {
  const octets = ip.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) throw new DnsFormatError(`bad IPv4 address ${ip}`);
  return Buffer.from(octets);
}

export function readAData(data: Buffer): string {
  if (data.length !== 4) throw new DnsFormatError('A record data is not 4 octets');
  return [...data].join('.');
}

/** `10.1.2.3` → `3.2.1.10.in-addr.arpa`, and back. */
export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

export function ipFromReverseName(name: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa\.?$/i.exec(name);
  return m ? [m[4], m[3], m[2], m[1]].join('.') : undefined;
}
