// Builds tar archives entry by entry for tests, including entries no well-behaved tool would write
// (`..` paths, absolute names, links out of the root), with PAX records for long names.
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

export interface Entry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'fifo';
  mode?: number;
  content?: string | Buffer;
  linkname?: string;
  uid?: number;
  gid?: number;
  mtime?: number;
  xattrs?: Record<string, string>;
}

const FLAG = { file: '0', hardlink: '1', symlink: '2', char: '3', dir: '5', fifo: '6' } as const;

function octal(buf: Buffer, off: number, len: number, n: number): void {
  buf.write(n.toString(8).padStart(len - 1, '0') + '\0', off, len, 'ascii');
}

function header(name: string, flag: string, size: number, e: Partial<Entry>, linkname = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 99), 0, 100, 'utf8');
  octal(h, 100, 8, e.mode ?? (flag === '5' ? 0o755 : 0o644));
  octal(h, 108, 8, e.uid ?? 0);
  octal(h, 116, 8, e.gid ?? 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, e.mtime ?? 1_700_000_000);
  h.write('        ', 148, 8, 'ascii');
  h.write(flag, 156, 1, 'ascii');
  h.write(linkname.slice(0, 99), 157, 100, 'utf8');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

function pad(n: number): Buffer {
  return Buffer.alloc((512 - (n % 512)) % 512);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return `${len}${body}`;
}

export function buildTar(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.type === 'file' ? Buffer.from(e.content ?? '') : Buffer.alloc(0);
    const pax: string[] = [];
    if (Buffer.byteLength(e.path) > 99) pax.push(paxRecord('path', e.path));
    if (e.linkname && Buffer.byteLength(e.linkname) > 99) pax.push(paxRecord('linkpath', e.linkname));
    for (const [k, v] of Object.entries(e.xattrs ?? {})) pax.push(paxRecord(`SCHILY.xattr.${k}`, v));
    if (pax.length) {
      const body = Buffer.from(pax.join(''));
      parts.push(header('PaxHeader', 'x', body.length, {}), body, pad(body.length));
    }
    parts.push(header(e.path, FLAG[e.type], data.length, e, e.linkname ?? ''), data, pad(data.length));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function sha256(b: Buffer | string): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

export function gzipLayer(entries: Entry[]): { blob: Buffer; diffId: string; digest: string } {
  const tar = buildTar(entries);
  const blob = gzipSync(tar);
  return { blob, diffId: sha256(tar), digest: sha256(blob) };
}
