import { Header, Pax } from 'tar';

// A minimal, deterministic tar writer: ustar headers from node-tar's encoder, a PAX extended
// header only when a field does not fit ustar (long or non-ASCII names, huge ids), so ordinary
// layers carry no PAX records that differ between runs or confuse older readers.

export type TarRecordType = 'File' | 'Directory' | 'SymbolicLink' | 'Link';

export interface TarRecord {
  path: string;
  type: TarRecordType;
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
  /** File body; empty for everything but 'File'. */
  body?: Buffer;
  linkpath?: string;
}

const BLOCK = 512;
/** Two zero blocks end an archive. */
export const TAR_TRAILER: Buffer = Buffer.alloc(2 * BLOCK);

/** The header block(s), body and padding of one record. */
export function encodeTarRecord(record: TarRecord): Buffer[] {
  const size = record.type === 'File' ? (record.body?.length ?? 0) : 0;
  const data = {
    path: record.path,
    type: record.type,
    mode: record.mode,
    uid: record.uid,
    gid: record.gid,
    size,
    mtime: record.mtime,
    uname: '',
    gname: '',
    ...(record.linkpath !== undefined ? { linkpath: record.linkpath } : {}),
  };
  const header = new Header(data);
  header.encode();
  if (!header.block) throw new Error(`tar: could not encode a header for ${record.path}`);
  const out: Buffer[] = [];
  if (header.needPax) out.push(new Pax(data).encode());
  out.push(header.block);
  if (size > 0 && record.body) {
    out.push(record.body);
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad) out.push(Buffer.alloc(pad));
  }
  return out;
}

/** A whole archive in memory. */
export function encodeTar(records: readonly TarRecord[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of records) parts.push(...encodeTarRecord(r));
  parts.push(TAR_TRAILER);
  return Buffer.concat(parts);
}
