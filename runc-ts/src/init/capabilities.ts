// Capability names → bit masks, and the order runc applies them in around the uid switch.
import { CAPABILITIES, PR, PR_CAP_AMBIENT_RAISE } from '../syscalls/constants.js';
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

/** Sets effective/permitted/inheritable, then raises the ambient ones (after the uid switch). */
export function applyCapabilities(sys: Syscalls, caps: CapabilitySets): void {
  sys.capset(capMask(caps.effective), capMask(caps.permitted), capMask(caps.inheritable));
  for (const name of caps.ambient) {
    const bit = CAPABILITIES[name];
    if (bit !== undefined) sys.prctl(PR.CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, bit);
  }
}
