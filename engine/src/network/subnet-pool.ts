// Subnets for networks created without --subnet: the first block of the configured pools that
// overlaps no existing network (nor, when given, the host's own routes). Docker's defaults.
import { invalid } from './errors.js';
import { formatSubnet, parseSubnet, subnetsOverlap, type Subnet } from './ipv4.js';

export interface AddressPool {
  /** e.g. 172.17.0.0/16 */
  base: string;
  /** Prefix length of each network carved from it, e.g. 16 or 20. */
  size: number;
}

/** Docker's default-address-pools: 172.17–172.31 as /16s, then 192.168.0.0/16 as /20s. */
export const DEFAULT_ADDRESS_POOLS: readonly AddressPool[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ base: `172.${17 + i}.0.0/16`, size: 16 })),
  { base: '192.168.0.0/16', size: 20 },
];

export function pickSubnet(pools: readonly AddressPool[], taken: readonly Subnet[]): Subnet | undefined {
  for (const pool of pools) {
    const base = parseSubnet(pool.base);
    if (!base || pool.size < base.prefix || pool.size > 30) throw invalid(`invalid address pool ${pool.base} (size ${pool.size})`);
    const count = 2 ** (pool.size - base.prefix);
    const step = 2 ** (32 - pool.size);
    for (let i = 0; i < count; i++) {
      const candidate: Subnet = { network: (base.network + i * step) >>> 0, prefix: pool.size };
      if (!taken.some((t) => subnetsOverlap(t, candidate))) return candidate;
    }
  }
  return undefined;
}

export function noPoolLeft(): Error {
  return invalid('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
}

export { formatSubnet };
