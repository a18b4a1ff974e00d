import * as fs from 'node:fs';

// Just enough ELF reading to tell a static executable from one that needs a dynamic loader:
// a PT_INTERP program header names the loader (static-pie binaries have PT_DYNAMIC but no
// PT_INTERP and run without one, so PT_INTERP is the test).

const PT_INTERP = 3;

export interface ElfLinkage {
  /** The program interpreter (dynamic loader), absent for static executables. */
  interpreter?: string;
}

/** Reads the program headers of an ELF file; throws if it is not ELF. */
export function elfLinkage(file: string): ElfLinkage {
  const fd = fs.openSync(file, 'r');
  try {
    const ident = read(fd, 0, 64);
    if (ident.length < 52 || ident.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file} is not an ELF executable`);
    const is64 = ident[4] === 2;
    const le = ident[5] === 1;
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const addr = (b: Buffer, o: number) => (is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(b, o));
    const phoff = addr(ident, is64 ? 0x20 : 0x1c);
    const phentsize = u16(ident, is64 ? 0x36 : 0x2a);
    const phnum = u16(ident, is64 ? 0x38 : 0x2c);
    const table = read(fd, phoff, phentsize * phnum);
    for (let i = 0; i < phnum; i++) {
      const ph = table.subarray(i * phentsize, (i + 1) * phentsize);
      if (ph.length < phentsize || u32(ph, 0) !== PT_INTERP) continue;
      const offset = addr(ph, is64 ? 0x08 : 0x04);
      const size = addr(ph, is64 ? 0x20 : 0x10);
      return { interpreter: read(fd, offset, Math.min(size, 4096)).toString('latin1').replace(/\0.*$/s, '') };
    }
    return {};
  } finally {
    fs.closeSync(fd);
  }
}

function read(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = fs.readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}
