// Docker's `bip`: the default bridge's own address with the prefix (172.17.0.1/16), which names
// both the subnet and the gateway.
export function ipv4Subnet(bip: string): { subnet: string; gateway: string } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(bip);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || prefix < 1 || prefix > 30) throw new Error(`invalid bip ${bip}: expected an IPv4 address with a prefix, e.g. 172.17.0.1/16`);
  const addr = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = addr - (addr % size);
  const text = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
  return { subnet: `${text(network)}/${prefix}`, gateway: text(addr) };
}
