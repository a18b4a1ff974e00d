// OCI `linux.seccomp.flags` (seccomp(2) SECCOMP_FILTER_FLAG_*) → the libseccomp attributes that set them.
import { SCMP_FLTATR } from './libseccomp-constants.js';
import { SeccompError } from './seccomp-error.js';

const FLAG_ATTRIBUTES: Readonly<Record<string, number>> = {
  SECCOMP_FILTER_FLAG_TSYNC: SCMP_FLTATR.CTL_TSYNC,
  SECCOMP_FILTER_FLAG_LOG: SCMP_FLTATR.CTL_LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: SCMP_FLTATR.CTL_SSB,
};

/** The flags runc-ts can set (WAIT_KILLABLE_RECV only matters with a notify listener, which it has not). */
export const SUPPORTED_FLAGS = Object.keys(FLAG_ATTRIBUTES);
/** Every flag the OCI runtime spec names. */
export const KNOWN_FLAGS = [...SUPPORTED_FLAGS, 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'];

/** The filter attribute that sets one flag. */
export function flagAttribute(flag: string, where: string): number {
  const attr = Object.hasOwn(FLAG_ATTRIBUTES, flag) ? FLAG_ATTRIBUTES[flag] : undefined;
  if (attr !== undefined) return attr;
  if (KNOWN_FLAGS.includes(flag)) throw new SeccompError(`${where}: flag ${flag} is not supported (it needs a seccomp notify listener)`);
  throw new SeccompError(`${where}: unknown flag ${JSON.stringify(flag)}`);
}
