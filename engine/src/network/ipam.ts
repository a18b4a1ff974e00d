// IP address management for one bridge network. Leases are not stored apart: an address is in use
// exactly when an endpoint record holds it, so releasing an endpoint releases its address and no
// lease can outlive the state that owns it. Allocation is round-robin after the last address
// handed out (as Docker's IPAM does), so a just-freed address is not reused at once while peers
// may still hold it in their ARP and conntrack tables.
import { forbidden, invalid } from './errors.js';
import { broadcastOf, formatIPv4, formatSubnet, parseIPv4, parseSubnet, subnetContains, type Subnet } from './ipv4.js';

export interface IpamPool {
  subnet: Subnet;
  /** --ip-range: where dynamic addresses come from (default: the subnet). */
  range: Subnet;
  gateway: number;
}

export function ipamPool(subnet: string, gateway: string, ipRange?: string): IpamPool {
  const s = parseSubnet(subnet);
  const g = parseIPv4(gateway);
  const r = ipRange ? parseSubnet(ipRange) : s;
  if (!s || g === undefined || !r) throw new Error(`corrupt network IPAM: ${subnet} ${gateway} ${ipRange ?? ''}`);
  return { subnet: s, range: r, gateway: g };
}

function usable(pool: IpamPool, ip: number): boolean {
  const s = pool.subnet;
  if (!subnetContains(s, ip) || ip === pool.gateway) return false;
  if (s.prefix < 31 && (ip === s.network || ip === broadcastOf(s))) return false;
  return true;
}

/** The next free address after `cursor`, wrapping around the range once. */
export function allocateAddress(pool: IpamPool, inUse: ReadonlySet<number>, cursor: number): number {
  const first = pool.range.network;
  const size = broadcastOf(pool.range) - first + 1;
  const start = subnetContains(pool.range, cursor) ? cursor - first + 1 : 0;
  for (let i = 0; i < size; i++) {
    const ip = (first + ((start + i) % size)) >>> 0;
    if (usable(pool, ip) && !inUse.has(ip)) return ip;
  }
  throw forbidden(`no available IPv4 addresses on this network's address pools: ${formatSubnet(pool.subnet)}`);
}

/** A static `--ip` request: inside the subnet, not the gateway or a special address, and free. */
export function reserveAddress(pool: IpamPool, inUse: ReadonlySet<number>, requested: string): number {
  const ip = parseIPv4(requested);
  if (ip === undefined) throw invalid(`invalid IPv4 address: ${requested}`);
  if (!usable(pool, ip)) throw forbidden(`no matching subnet for ip ${requested}` + (ip === pool.gateway ? ' (it is the gateway)' : ''));
  if (inUse.has(ip)) throw forbidden(`Address already in use: ${formatIPv4(ip)}`);
  return ip;
}
