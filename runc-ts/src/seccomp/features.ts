// What `runc-ts features` reports under linux.seccomp, in runc's shape.
import { SUPPORTED_ACTIONS } from './actions.js';
import { OCI_ARCHITECTURES } from './architectures.js';
import { OPERATORS } from './conditions.js';
import { KNOWN_FLAGS, SUPPORTED_FLAGS } from './filter-flags.js';
import { type Libseccomp, libseccomp } from './libseccomp.js';

export interface SeccompFeatures {
  enabled: boolean;
  actions?: string[];
  operators?: string[];
  archs?: string[];
  knownFlags?: string[];
  supportedFlags?: string[];
}

/** Seccomp support as this host's libseccomp allows it; disabled when the library is missing. */
export function seccompFeatures(): SeccompFeatures {
  let lib: Libseccomp;
  try {
    lib = libseccomp();
  } catch {
    return { enabled: false };
  }
  return {
    enabled: true,
    actions: [...SUPPORTED_ACTIONS],
    operators: Object.keys(OPERATORS).sort(),
    archs: Object.entries(OCI_ARCHITECTURES)
      .filter(([, name]) => lib.archResolveName(name) !== 0)
      .map(([oci]) => oci)
      .sort(),
    knownFlags: KNOWN_FLAGS,
    supportedFlags: SUPPORTED_FLAGS,
  };
}
