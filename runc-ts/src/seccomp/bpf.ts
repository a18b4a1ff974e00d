// Classic BPF as seccomp takes it: struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }, 8 bytes in
// the host's byte order. Just what the ENOSYS stub needs: read libseccomp's program, write ours.

export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** Opcodes (BPF_CLASS | BPF_SIZE/OP | BPF_MODE/SRC). */
export const BPF = {
  /** A = 32-bit word at offset k of struct seccomp_data (0: nr, 4: arch). */
  LD_W_ABS: 0x20,
  /** pc += k */
  JA: 0x05,
  JEQ_K: 0x15,
  JGT_K: 0x25,
  JSET_K: 0x45,
  RET_K: 0x06,
} as const;

/** offsetof(struct seccomp_data, nr) and offsetof(struct seccomp_data, arch). */
export const SECCOMP_DATA = { nr: 0, arch: 4 } as const;

/** The kernel's limit on a filter's length (BPF_MAXINSNS). */
export const BPF_MAXINSNS = 4096;

const SIZE = 8;

export function decodeProgram(buf: Buffer): BpfInstruction[] {
  if (buf.length % SIZE !== 0) throw new Error(`BPF program of ${buf.length} bytes is not a whole number of instructions`);
  const out: BpfInstruction[] = [];
  for (let o = 0; o < buf.length; o += SIZE) {
    out.push({ code: buf.readUInt16LE(o), jt: buf.readUInt8(o + 2), jf: buf.readUInt8(o + 3), k: buf.readUInt32LE(o + 4) });
  }
  return out;
}

export function encodeProgram(program: readonly BpfInstruction[]): Buffer {
  const buf = Buffer.alloc(program.length * SIZE);
  program.forEach((insn, i) => {
    const o = i * SIZE;
    buf.writeUInt16LE(insn.code, o);
    buf.writeUInt8(insn.jt, o + 2);
    buf.writeUInt8(insn.jf, o + 3);
    buf.writeUInt32LE(insn.k >>> 0, o + 4);
  });
  return buf;
}
