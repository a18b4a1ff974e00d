// Capability names → bit masks, and the order runc applies them in around the uid switch.
import { CAPABILITIES, PR, PR_CAP_AMBIENT_CLEAR_ALL, PR_CAP_AMBIENT_RAISE } from '../syscalls/constants.js';
import type { Syscalls } from '../syscalls/syscalls.js';
import type { CapabilitySets } from '../spec/config.js';

export function capMask(names: readonly string[]): bigint {
  let m = 0n;
  for (const n of names) {
    const bit = CAPABILITIES[n];
    if (bit !== undefined) m |= 1n << BigInt(bit);
  }
  return m;
}

/** Drops every capability not in the bounding set (needs CAP_SETPCAP, so before the uid switch). */
export function applyBoundingSet(sys: Syscalls, caps: CapabilitySets, capLast: number): void {
  const keep = capMask(caps.bounding);
  for (let c = 0; c <= capLast; c++) {
    if (!(keep & (1n << BigInt(c)))) sys.prctl(PR.CAPBSET_DROP, c);
  }
}

/**
 * Sets effective/permitted/inheritable, then the ambient set (after the uid switch), as runc 1.1
 * does: the kernel raises an ambient capability only if it is both permitted and inheritable, and
 * runc ignores a refused raise (its default spec lists ambient capabilities but no inheritable
 * ones, so there they all are refused). The ambient set ends as exactly the raisable subset.
 */
export function applyCapabilities(sys: Syscalls, caps: CapabilitySets): void {
  sys.capset(capMask(caps.effective), capMask(caps.permitted), capMask(caps.inheritable));
  try {
    sys.prctl(PR.CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL);
  } catch {
    // no ambient capabilities on this kernel (EINVAL before 4.3): nothing to clear or raise
    return;
  }
  for (const name of caps.ambient) {
    const bit = CAPABILITIES[name];
    if (bit === undefined) continue;
    try {
      sys.prctl(PR.CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, bit);
    } catch {
      // EPERM: not in the permitted and inheritable sets; runc leaves it out without a word
    }
  }
}
