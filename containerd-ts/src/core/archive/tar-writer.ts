// Writes ustar headers for archives this daemon produces (image export): regular files and
// directories with names under 100 bytes, which is all an OCI image archive needs.
import { invalidArgument } from '../errdefs.js';

export interface TarFile {
  name: string;
  size: number;
  mode?: number;
  mtime?: number;
  type?: 'file' | 'dir';
}

function octal(buf: Buffer, off: number, len: number, n: number): void {
  buf.write(n.toString(8).padStart(len - 1, '0') + '\0', off, len, 'ascii');
}

export function tarHeader(f: TarFile): Buffer {
  if (Buffer.byteLength(f.name) >= 100) throw invalidArgument(`tar: name ${f.name} too long for a plain ustar header`);
  const h = Buffer.alloc(512);
  h.write(f.name, 0, 100, 'utf8');
  octal(h, 100, 8, f.mode ?? (f.type === 'dir' ? 0o755 : 0o644));
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, f.type === 'dir' ? 0 : f.size);
  octal(h, 136, 12, Math.floor(f.mtime ?? 0));
  h.write('        ', 148, 8, 'ascii');
  h.write(f.type === 'dir' ? '5' : '0', 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

export function tarPadding(size: number): Buffer {
  return Buffer.alloc((512 - (size % 512)) % 512);
}

/** The end-of-archive marker: two zero blocks. */
export const TAR_END = Buffer.alloc(1024);
