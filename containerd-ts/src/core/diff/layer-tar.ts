// Encodes an overlay upper dir as an OCI layer tar: whiteouts as `.wh.NAME`, opaque directories
// as `DIR/.wh..wh..opq`, hard links inside the layer as links to their first path, file bodies
// streamed from disk. Headers come from node-tar's encoder (PAX only where ustar cannot hold a
// field), so long names, large ids and devices round-trip through any OCI unpacker.
import * as fs from 'node:fs';
import { Header, Pax, type HeaderData } from 'tar';
import { failedPrecondition } from '../errdefs.js';
import { OPAQUE_WHITEOUT, whiteoutPathFor } from '../unpack/whiteout.js';
import { walkUpper, type UpperEntry } from './upper-walk.js';

const BLOCK = 512;
const CHUNK = 1024 * 1024;

/** One PAX record: its length prefix counts itself. */
function paxRecord(key: string, value: Buffer): Buffer {
  const rest = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = rest.length + 1;
  while (String(len).length + rest.length !== len) len = String(len).length + rest.length;
  return Buffer.concat([Buffer.from(String(len)), rest]);
}

/**
 * The header block(s) of one entry. Extended attributes go in a PAX header of our own as
 * `SCHILY.xattr.NAME` records (node-tar's encoder has no field for them), with the path and
 * link path as PAX records too, so such an entry needs no second extended header.
 */
function encodeHeader(data: HeaderData, xattrs?: Map<string, Buffer>): Buffer[] {
  const header = new Header(data);
  header.encode();
  if (!header.block) throw failedPrecondition(`tar: cannot encode a header for ${data.path ?? '?'}`);
  if (!xattrs?.size) return header.needPax ? [new Pax(data).encode(), header.block] : [header.block];
  const records = [paxRecord('path', Buffer.from(data.path ?? ''))];
  if (data.linkpath) records.push(paxRecord('linkpath', Buffer.from(data.linkpath)));
  for (const [k, v] of xattrs) records.push(paxRecord(`SCHILY.xattr.${k}`, v));
  const body = Buffer.concat(records);
  const paxHeader = new Header({ path: 'PaxHeader', type: 'ExtendedHeader', size: body.length, mode: 0o644, mtime: data.mtime ?? new Date(0), uid: 0, gid: 0 });
  paxHeader.encode();
  return [paxHeader.block!, body, ...(padding(body.length) ? [padding(body.length)!] : []), header.block];
}

function padding(size: number): Buffer | undefined {
  const pad = (BLOCK - (size % BLOCK)) % BLOCK;
  return pad ? Buffer.alloc(pad) : undefined;
}

function baseHeader(e: UpperEntry): HeaderData {
  return { path: e.path, mode: e.stat.mode & 0o7777, uid: e.stat.uid, gid: e.stat.gid, mtime: new Date(Math.floor(e.stat.mtimeMs / 1000) * 1000), uname: '', gname: '' };
}

/** The chunks of the layer tar for `upper`, ending with the two zero blocks. */
export async function* layerTarChunks(upper: string): AsyncGenerator<Buffer> {
  const firstPathOfInode = new Map<string, string>();
  for (const e of walkUpper(upper)) {
    const st = e.stat;
    if (e.whiteout) {
      yield* encodeHeader({ ...baseHeader(e), path: whiteoutPathFor(e.path), type: 'File', size: 0, mode: 0 });
      continue;
    }
    if (st.isDirectory()) {
      yield* encodeHeader({ ...baseHeader(e), path: `${e.path}/`, type: 'Directory', size: 0 }, e.xattrs);
      if (e.opaque) yield* encodeHeader({ ...baseHeader(e), path: `${e.path}/${OPAQUE_WHITEOUT}`, type: 'File', size: 0, mode: 0 });
      continue;
    }
    if (st.isSymbolicLink()) {
      yield* encodeHeader({ ...baseHeader(e), type: 'SymbolicLink', size: 0, linkpath: fs.readlinkSync(e.abs) });
      continue;
    }
    if (st.isCharacterDevice() || st.isBlockDevice()) {
      const rdev = st.rdev;
      // glibc's major/minor split of a 64-bit dev_t.
      const devmaj = ((rdev >> 8) & 0xfff) | Math.floor(rdev / 2 ** 32) & ~0xfff;
      const devmin = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
      yield* encodeHeader({ ...baseHeader(e), type: st.isCharacterDevice() ? 'CharacterDevice' : 'BlockDevice', size: 0, devmaj, devmin });
      continue;
    }
    if (st.isFIFO()) {
      yield* encodeHeader({ ...baseHeader(e), type: 'FIFO', size: 0 });
      continue;
    }
    if (st.isSocket()) continue; // tar has no socket type; a socket is runtime state, not content
    if (!st.isFile()) throw failedPrecondition(`cannot diff ${e.path}: unsupported file type`);
    if (st.nlink > 1) {
      const key = `${st.dev}:${st.ino}`;
      const first = firstPathOfInode.get(key);
      if (first !== undefined) {
        yield* encodeHeader({ ...baseHeader(e), type: 'Link', size: 0, linkpath: first });
        continue;
      }
      firstPathOfInode.set(key, e.path);
    }
    yield* encodeHeader({ ...baseHeader(e), type: 'File', size: st.size }, e.xattrs);
    yield* fileBody(e.abs, st.size, e.path);
    const pad = padding(st.size);
    if (pad) yield pad;
  }
  yield Buffer.alloc(2 * BLOCK);
}

/** Exactly `size` bytes of the file: a file that changes size meanwhile would corrupt the archive. */
async function* fileBody(abs: string, size: number, rel: string): AsyncGenerator<Buffer> {
  const fd = await fs.promises.open(abs, 'r');
  try {
    let done = 0;
    while (done < size) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, size - done));
      const { bytesRead } = await fd.read(buf, 0, buf.length, done);
      if (bytesRead === 0) throw failedPrecondition(`cannot diff ${rel}: the file shrank while it was read`);
      done += bytesRead;
      yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fd.close();
  }
}
