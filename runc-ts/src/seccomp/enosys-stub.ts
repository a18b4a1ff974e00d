// runc's -ENOSYS stub: a few BPF instructions put in front of libseccomp's filter so that a system
// call newer than anything the profile names fails with ENOSYS instead of getting the default
// action. A profile that denies with EPERM by default would otherwise make new syscalls look
// forbidden, and programs (glibc's clone3, statx…) fall back only on ENOSYS.
import { BPF, type BpfInstruction, SECCOMP_DATA } from './bpf.js';
import { SCMP_ACT, withData } from './libseccomp-constants.js';

const ENOSYS = 38;
/** What the stub returns: SCMP_ACT_ERRNO(ENOSYS). */
export const RET_ENOSYS = withData(SCMP_ACT.ERRNO, ENOSYS);

/** AUDIT_ARCH_X86_64; libseccomp's x32 token shares it, x32 calls carrying __X32_SYSCALL_BIT. */
export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const SCMP_ARCH_X32 = 0x4000003e;
const X32_SYSCALL_BIT = 0x40000000;
const SCMP_ARCH_S390 = 0x16;
const SCMP_ARCH_S390X = 0x80000016;

/** The AUDIT_ARCH_* a libseccomp architecture token's system calls arrive with. */
export function auditArchOf(token: number): number {
  return token === SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token;
}

/**
 * Audit arch → (libseccomp token → highest syscall number the profile names on it). Two tokens
 * share an audit arch only on x86_64 (native and x32).
 */
export type LastSyscalls = Map<number, Map<number, number>>;

/**
 * The stub (runc's semantics, laid out our own way): for each listed arch, a call whose number is
 * above the arch's highest known one returns ENOSYS; on s390/s390x so does the socketcall-style
 * multiplexer (number 0); everything else falls through to the filter that follows the stub.
 */
export function enosysStub(last: LastSyscalls): BpfInstruction[] {
  interface Pending { code: number; k: number; jt?: string; jf?: string; to?: string }
  const prog: Pending[] = [];
  const labels = new Map<string, number>();
  const at = (name: string) => labels.set(name, prog.length);
  const emit = (p: Pending) => prog.push(p);

  emit({ code: BPF.LD_W_ABS, k: SECCOMP_DATA.arch });
  let n = 0;
  for (const [auditArch, maxima] of last) {
    if (maxima.size === 0) continue;
    const next = `next${n}`;
    const x32 = `x32_${n}`;
    n++;
    emit({ code: BPF.JEQ_K, k: auditArch, jf: next });
    emit({ code: BPF.LD_W_ABS, k: SECCOMP_DATA.nr });
    if (maxima.size === 1) {
      const [[token, max]] = [...maxima] as [[number, number]];
      if (token === SCMP_ARCH_S390 || token === SCMP_ARCH_S390X) emit({ code: BPF.JEQ_K, k: 0, jt: 'enosys' });
      if (auditArch === AUDIT_ARCH_X86_64) {
        // Only one of the two ABIs is listed: calls of the other go straight to the filter.
        if (token === SCMP_ARCH_X32) emit({ code: BPF.JSET_K, k: X32_SYSCALL_BIT, jf: 'filter' });
        else emit({ code: BPF.JSET_K, k: X32_SYSCALL_BIT, jt: 'filter' });
      }
      emit({ code: BPF.JGT_K, k: max, jt: 'enosys' });
      emit({ code: BPF.JA, k: 0, to: 'filter' });
    } else {
      const native = maxima.get(AUDIT_ARCH_X86_64);
      const x32Max = maxima.get(SCMP_ARCH_X32);
      if (maxima.size !== 2 || native === undefined || x32Max === undefined) {
        throw new Error(`seccomp: unexpected architectures sharing audit arch 0x${auditArch.toString(16)}`);
      }
      emit({ code: BPF.JSET_K, k: X32_SYSCALL_BIT, jt: x32 });
      emit({ code: BPF.JGT_K, k: native, jt: 'enosys' });
      emit({ code: BPF.JA, k: 0, to: 'filter' });
      at(x32);
      emit({ code: BPF.JGT_K, k: x32Max, jt: 'enosys' });
      emit({ code: BPF.JA, k: 0, to: 'filter' });
    }
    at(next);
  }
  emit({ code: BPF.JA, k: 0, to: 'filter' }); // an arch the profile does not list
  at('enosys');
  emit({ code: BPF.RET_K, k: RET_ENOSYS });
  at('filter');

  const offset = (i: number, label: string | undefined, max: number) => {
    if (label === undefined) return 0;
    const target = labels.get(label);
    if (target === undefined) throw new Error(`seccomp stub: no label ${label}`);
    const skip = target - (i + 1);
    if (skip < 0 || skip > max) throw new Error(`seccomp stub: jump to ${label} out of range`);
    return skip;
  };
  return prog.map((p, i) => ({
    code: p.code,
    jt: offset(i, p.jt, 255),
    jf: offset(i, p.jf, 255),
    k: p.to !== undefined ? offset(i, p.to, 0xffffffff) : p.k,
  }));
}
