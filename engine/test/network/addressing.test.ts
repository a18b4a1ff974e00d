import { allocateAddress, ipamPool, reserveAddress } from '../../src/network/ipam.js';
import { broadcastOf, formatIPv4, formatSubnet, parseIPv4, parseSubnet, subnetsOverlap } from '../../src/network/ipv4.js';
import { macForIPv4 } from '../../src/network/mac-address.js';
import { DEFAULT_ADDRESS_POOLS, pickSubnet } from '../../src/network/subnet-pool.js';

const ip = (s: string): number => parseIPv4(s)!;
const subnet = (s: string) => parseSubnet(s)!;

describe('IPv4 and subnets', () => {
  test('parse and format', () => {
    expect(formatIPv4(ip('10.231.1.254'))).toBe('10.231.1.254');
    expect(ip('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['1.2.3', '1.2.3.256', '01.2.3.4', 'a.b.c.d', '1.2.3.4 ']) expect(parseIPv4(bad)).toBeUndefined();
    expect(formatSubnet(subnet('10.231.0.0/16'))).toBe('10.231.0.0/16');
    expect(parseSubnet('10.231.0.5/16')).toBeUndefined(); // host bits
    expect(formatSubnet(parseSubnet('10.231.0.5/16', false)!)).toBe('10.231.0.0/16');
    expect(parseSubnet('10.0.0.0/33')).toBeUndefined();
    expect(parseSubnet('10.0.0.0')).toBeUndefined();
    expect(formatIPv4(broadcastOf(subnet('10.1.2.0/23')))).toBe('10.1.3.255');
  });

  test('overlap', () => {
    expect(subnetsOverlap(subnet('10.0.0.0/8'), subnet('10.231.1.0/24'))).toBe(true);
    expect(subnetsOverlap(subnet('10.231.1.0/24'), subnet('10.0.0.0/8'))).toBe(true);
    expect(subnetsOverlap(subnet('10.231.1.0/24'), subnet('10.231.2.0/24'))).toBe(false);
    expect(subnetsOverlap(subnet('0.0.0.0/0'), subnet('192.168.1.0/24'))).toBe(true);
  });

  test('MAC from IPv4, as Docker', () => {
    expect(macForIPv4(ip('172.17.0.2'))).toBe('02:42:ac:11:00:02');
  });
});

describe('default address pools', () => {
  test('the first free block, skipping taken and host subnets', () => {
    expect(formatSubnet(pickSubnet(DEFAULT_ADDRESS_POOLS, [subnet('172.17.0.0/16')])!)).toBe('172.18.0.0/16');
    const taken = Array.from({ length: 15 }, (_, i) => subnet(`172.${17 + i}.0.0/16`));
    expect(formatSubnet(pickSubnet(DEFAULT_ADDRESS_POOLS, taken)!)).toBe('192.168.0.0/20');
    expect(formatSubnet(pickSubnet(DEFAULT_ADDRESS_POOLS, [...taken, subnet('192.168.0.0/24')])!)).toBe('192.168.16.0/20');
    expect(pickSubnet([{ base: '10.9.0.0/24', size: 25 }], [subnet('10.9.0.0/25'), subnet('10.9.0.128/25')])).toBeUndefined();
    expect(() => pickSubnet([{ base: 'nope', size: 24 }], [])).toThrow(/invalid address pool/);
  });
});

describe('IPAM', () => {
  const pool = ipamPool('10.231.1.0/29', '10.231.1.1');

  test('skips network, gateway and broadcast; round-robin after the cursor', () => {
    const used = new Set<number>();
    const got: string[] = [];
    let cursor = pool.gateway;
    for (let i = 0; i < 5; i++) {
      cursor = allocateAddress(pool, used, cursor);
      used.add(cursor);
      got.push(formatIPv4(cursor));
    }
    expect(got).toEqual(['10.231.1.2', '10.231.1.3', '10.231.1.4', '10.231.1.5', '10.231.1.6']);
    expect(() => allocateAddress(pool, used, cursor)).toThrow(/no available IPv4 addresses on this network's address pools: 10.231.1.0\/29/);
    // A released address is not handed out again at once: the cursor moves on and wraps.
    used.delete(ip('10.231.1.3'));
    used.delete(ip('10.231.1.6'));
    expect(formatIPv4(allocateAddress(pool, used, ip('10.231.1.4')))).toBe('10.231.1.6');
    expect(formatIPv4(allocateAddress(pool, used, ip('10.231.1.6')))).toBe('10.231.1.3');
  });

  test('--ip-range limits dynamic addresses', () => {
    const ranged = ipamPool('10.231.0.0/16', '10.231.0.1', '10.231.7.0/24');
    expect(formatIPv4(allocateAddress(ranged, new Set(), ranged.gateway))).toBe('10.231.7.0');
  });

  test('static addresses', () => {
    expect(formatIPv4(reserveAddress(pool, new Set(), '10.231.1.5'))).toBe('10.231.1.5');
    expect(() => reserveAddress(pool, new Set([ip('10.231.1.5')]), '10.231.1.5')).toThrow(/Address already in use/);
    expect(() => reserveAddress(pool, new Set(), '10.231.1.1')).toThrow(/gateway/);
    expect(() => reserveAddress(pool, new Set(), '10.231.2.5')).toThrow(/no matching subnet/);
    expect(() => reserveAddress(pool, new Set(), '10.231.1.7')).toThrow(/no matching subnet/); // broadcast
    expect(() => reserveAddress(pool, new Set(), 'x')).toThrow(/invalid IPv4/);
  });
});
