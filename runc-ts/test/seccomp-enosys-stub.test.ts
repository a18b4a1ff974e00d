// The ENOSYS stub, run through a small interpreter of the BPF it emits: a call above the profile's
// highest syscall on a listed arch gets ENOSYS, everything else reaches the filter behind the stub.
import { BPF, type BpfInstruction, decodeProgram, encodeProgram } from '../src/seccomp/bpf.js';
import { AUDIT_ARCH_X86_64, enosysStub, RET_ENOSYS, SCMP_ARCH_X32 } from '../src/seccomp/enosys-stub.js';

const AUDIT_ARCH_I386 = 0x40000003;
const AUDIT_ARCH_S390X = 0x80000016;
const X32 = 0x40000000;
const FILTER = 'filter';

/** Runs `stub` on one call: RET's value, or FILTER when control falls off the stub's end. */
function run(stub: BpfInstruction[], arch: number, nr: number): number | typeof FILTER {
  let a = 0;
  for (let pc = 0; pc < stub.length; ) {
    const i = stub[pc]!;
    switch (i.code) {
      case BPF.LD_W_ABS:
        a = i.k === 4 ? arch : nr;
        pc++;
        break;
      case BPF.JA:
        pc += 1 + i.k;
        break;
      case BPF.JEQ_K:
        pc += 1 + (a === i.k ? i.jt : i.jf);
        break;
      case BPF.JGT_K:
        pc += 1 + (a >>> 0 > i.k >>> 0 ? i.jt : i.jf);
        break;
      case BPF.JSET_K:
        pc += 1 + ((a & i.k) !== 0 ? i.jt : i.jf);
        break;
      case BPF.RET_K:
        return i.k;
      default:
        throw new Error(`unexpected opcode ${i.code}`);
    }
    if (pc === stub.length) return FILTER;
  }
  return FILTER;
}

test('amd64 and i386 listed: above the highest known number → ENOSYS, at or below → the filter', () => {
  const stub = enosysStub(new Map([[AUDIT_ARCH_X86_64, new Map([[AUDIT_ARCH_X86_64, 450]])], [AUDIT_ARCH_I386, new Map([[AUDIT_ARCH_I386, 460]])]]));
  expect(run(stub, AUDIT_ARCH_X86_64, 0)).toBe(FILTER);
  expect(run(stub, AUDIT_ARCH_X86_64, 450)).toBe(FILTER);
  expect(run(stub, AUDIT_ARCH_X86_64, 451)).toBe(RET_ENOSYS);
  expect(run(stub, AUDIT_ARCH_X86_64, 1000)).toBe(RET_ENOSYS);
  expect(run(stub, AUDIT_ARCH_X86_64, X32 | 1000)).toBe(FILTER); // x32 not listed: the filter decides
  expect(run(stub, AUDIT_ARCH_I386, 455)).toBe(FILTER);
  expect(run(stub, AUDIT_ARCH_I386, 461)).toBe(RET_ENOSYS);
  expect(run(stub, 0xc00000b7 /* aarch64 */, 5000)).toBe(FILTER); // an arch not listed
});

test('amd64 with x32: each ABI against its own highest number', () => {
  const stub = enosysStub(new Map([[AUDIT_ARCH_X86_64, new Map([[AUDIT_ARCH_X86_64, 450], [SCMP_ARCH_X32, X32 | 540]])]]));
  expect(run(stub, AUDIT_ARCH_X86_64, 451)).toBe(RET_ENOSYS);
  expect(run(stub, AUDIT_ARCH_X86_64, 449)).toBe(FILTER);
  expect(run(stub, AUDIT_ARCH_X86_64, X32 | 540)).toBe(FILTER);
  expect(run(stub, AUDIT_ARCH_X86_64, X32 | 541)).toBe(RET_ENOSYS);
});

test('only x32 listed: native calls go to the filter', () => {
  const stub = enosysStub(new Map([[AUDIT_ARCH_X86_64, new Map([[SCMP_ARCH_X32, X32 | 540]])]]));
  expect(run(stub, AUDIT_ARCH_X86_64, 9999)).toBe(FILTER);
  expect(run(stub, AUDIT_ARCH_X86_64, X32 | 541)).toBe(RET_ENOSYS);
});

test('s390x: the multiplexer (0) is ENOSYS too', () => {
  const stub = enosysStub(new Map([[AUDIT_ARCH_S390X, new Map([[AUDIT_ARCH_S390X, 400]])]]));
  expect(run(stub, AUDIT_ARCH_S390X, 0)).toBe(RET_ENOSYS);
  expect(run(stub, AUDIT_ARCH_S390X, 1)).toBe(FILTER);
  expect(run(stub, AUDIT_ARCH_S390X, 401)).toBe(RET_ENOSYS);
});

test('no arch listed: the stub lets everything through; programs survive encode/decode', () => {
  const stub = enosysStub(new Map());
  expect(run(stub, AUDIT_ARCH_X86_64, 100000)).toBe(FILTER);
  const full = enosysStub(new Map([[AUDIT_ARCH_X86_64, new Map([[AUDIT_ARCH_X86_64, 450]])]]));
  expect(decodeProgram(encodeProgram(full))).toEqual(full);
  expect(() => decodeProgram(Buffer.alloc(9))).toThrow(/not a whole number/);
});
