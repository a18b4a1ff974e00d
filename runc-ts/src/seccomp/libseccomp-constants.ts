// Values from libseccomp 2.5's <seccomp.h> (Debian's libseccomp2 2.5.4 here). They are part of the
// library's ABI, so they are written down rather than read from a header at run time.

/** Filter actions (SCMP_ACT_*); ERRNO and TRACE carry 16 bits of data. */
export const SCMP_ACT = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  NOTIFY: 0x7fc00000,
  ERRNO: 0x00050000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;

/** SCMP_ACT_ERRNO(x) / SCMP_ACT_TRACE(x): the base action with x in the low 16 bits (unsigned). */
export function withData(action: number, data: number): number {
  return (action | (data & 0xffff)) >>> 0;
}

/** enum scmp_compare. */
export const SCMP_CMP = {
  NE: 1,
  LT: 2,
  LE: 3,
  EQ: 4,
  GE: 5,
  GT: 6,
  MASKED_EQ: 7,
} as const;

/** enum scmp_filter_attr. */
export const SCMP_FLTATR = {
  ACT_DEFAULT: 1,
  ACT_BADARCH: 2,
  CTL_NNP: 3,
  CTL_TSYNC: 4,
  API_TSKIP: 5,
  CTL_LOG: 6,
  CTL_SSB: 7,
  CTL_OPTIMIZE: 8,
  API_SYSRAWRC: 9,
} as const;

/** seccomp_syscall_resolve_name*() result for a name libseccomp does not know on any architecture. */
export const NR_SCMP_ERROR = -1;

/** The most arguments a system call has (struct scmp_arg_cmp.arg is 0…5). */
export const SYSCALL_MAX_ARGS = 6;
