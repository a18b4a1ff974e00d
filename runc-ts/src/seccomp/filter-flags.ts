// OCI `linux.seccomp.flags` → the seccomp(2) SECCOMP_FILTER_FLAG_* bits runc-ts loads the filter with
// (runc-ts loads the filter itself, after prepending the ENOSYS stub, so libseccomp's attributes
// do not apply). Debian's runc 1.1 refuses every flag ("seccomp flags are not yet supported");
// runc-ts sets them (a documented difference).
import { SeccompError } from './seccomp-error.js';

/** SECCOMP_FILTER_FLAG_NEW_LISTENER: added by runc-ts when a rule notifies, never by the profile. */
export const FLAG_NEW_LISTENER = 1 << 3;

const FLAG_BITS: Readonly<Record<string, number>> = {
  SECCOMP_FILTER_FLAG_TSYNC: 1 << 0,
  SECCOMP_FILTER_FLAG_LOG: 1 << 1,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 1 << 2,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: 1 << 5,
};

/** The flags runc-ts can set. */
export const SUPPORTED_FLAGS = Object.keys(FLAG_BITS);
/** Every flag the OCI runtime spec names. */
export const KNOWN_FLAGS = [...SUPPORTED_FLAGS];

/** The seccomp(2) flag bit of one OCI flag name. */
export function flagBit(flag: string, where: string): number {
  const bit = Object.hasOwn(FLAG_BITS, flag) ? FLAG_BITS[flag] : undefined;
  if (bit === undefined) throw new SeccompError(`${where}: unknown flag ${JSON.stringify(flag)}`);
  return bit;
}
