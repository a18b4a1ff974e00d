// Docker derives an endpoint's MAC from its IPv4 address (02:42 + the four octets): stable across
// restarts and unique within a subnet, so neighbours' ARP caches never hold a stale pair.

export function macForIPv4(ip: number): string {
  const bytes = [0x02, 0x42, ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
