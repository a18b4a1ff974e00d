// IPv4 addresses as unsigned 32-bit numbers, and subnets (CIDR) over them. Networks here are
// IPv4-only, like Docker's default; the arithmetic stays exact with `>>> 0`.

export interface Subnet {
  /** The network address (host bits zero). */
  network: number;
  prefix: number;
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIPv4(text: string): number | undefined {
  const m = DOTTED.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i] ?? '';
    if (part.length > 1 && part.startsWith('0')) return undefined; // no octal look-alikes
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n >>> 0;
}

export function isIPv4(text: string): boolean {
  return parseIPv4(text) !== undefined;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** `10.1.2.0/24` → a subnet; `exact` refuses host bits (Docker's `--subnet 10.1.2.5/24` is an error). */
export function parseSubnet(text: string, exact = true): Subnet | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIPv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 32) return undefined;
  const network = (ip & maskOf(prefix)) >>> 0;
  if (exact && network !== ip) return undefined;
  return { network, prefix };
}

export function formatSubnet(s: Subnet): string {
  return `${formatIPv4(s.network)}/${s.prefix}`;
}

export function broadcastOf(s: Subnet): number {
  return (s.network | ~maskOf(s.prefix)) >>> 0;
}

export function subnetContains(s: Subnet, ip: number): boolean {
  return ((ip & maskOf(s.prefix)) >>> 0) === s.network;
}

export function subnetsOverlap(a: Subnet, b: Subnet): boolean {
  return subnetContains(a, b.network) || subnetContains(b, a.network);
}

/** The host part's first usable address (network + 1), Docker's default gateway. */
export function firstHost(s: Subnet): number {
  return s.prefix >= 31 ? s.network : (s.network + 1) >>> 0;
}
