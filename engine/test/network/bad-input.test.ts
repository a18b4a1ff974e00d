// Network-level requests that must fail cleanly with Docker's messages and status codes, leaving
// no bridge, rule, namespace or address behind; and the lifecycle rules around them.
import type { NetworkManager } from '../../src/network/index.js';
import { NetTestBed } from './helpers/net-testbed.js';

const bed = new NetTestBed('badinput', 234);
let m: NetworkManager;

function bridges(): string[] {
  return bed
    .host(['ip', '-o', 'link', 'show', 'type', 'bridge'])
    .stdout.split('\n')
    .map((l) => l.split(': ')[1] ?? '')
    .filter(Boolean)
    .sort();
}

beforeAll(async () => {
  await bed.init();
  m = await bed.manager();
});

afterAll(async () => {
  await bed.cleanup();
});

test('the predefined networks are there and cannot be removed', async () => {
  expect(m.list().map((n) => [n.Name, n.Driver])).toEqual(expect.arrayContaining([['bridge', 'bridge'], ['host', 'host'], ['none', 'null']]));
  expect(m.inspect('bridge')).toMatchObject({ IPAM: { Config: [{ Subnet: '10.234.0.0/24', Gateway: '10.234.0.1' }] }, Options: { 'com.docker.network.bridge.name': `en${bed.tag}` } });
  expect(bridges()).toEqual([`en${bed.tag}`]);
  for (const name of ['bridge', 'host', 'none']) {
    await expect(m.removeNetwork(name)).rejects.toMatchObject({ status: 403, message: `${name} is a pre-defined network and cannot be removed` });
  }
  await expect(m.createNetwork({ name: 'h2', driver: 'host' })).rejects.toMatchObject({ status: 403, message: 'only one instance of "host" network is allowed' });
  await expect(m.attach('c-host', { name: 'c', networks: [{ network: 'host' }] })).rejects.toMatchObject({ status: 400 });
});

test('create: bad names, drivers, subnets, gateways; overlap; duplicates', async () => {
  const before = bridges();
  await m.createNetwork({ name: 'first', subnet: '10.234.10.0/24' });
  const cases: [Parameters<NetworkManager['createNetwork']>[0], number, string | RegExp][] = [
    [{ name: 'first' }, 409, 'network with name first already exists'],
    [{ name: 'over', subnet: '10.234.10.128/25' }, 403, 'Pool overlaps with other one on this address space'],
    [{ name: 'over2', subnet: '10.234.0.0/16' }, 403, 'Pool overlaps with other one on this address space'],
    [{ name: 'bad/name' }, 400, /invalid network name "bad\/name"/],
    [{ name: 'x', driver: 'overlay' }, 404, 'plugin "overlay" not found'],
    [{ name: 'x', subnet: 'nonsense' }, 400, 'invalid CIDR address: nonsense'],
    [{ name: 'x', subnet: '10.234.20.5/24' }, 400, 'invalid subnet 10.234.20.5/24: it should be 10.234.20.0/24'],
    [{ name: 'x', subnet: '10.234.20.0/24', gateway: '10.234.21.1' }, 400, 'no matching subnet for gateway 10.234.21.1'],
    [{ name: 'x', subnet: '10.234.20.0/24', ipRange: '10.234.30.0/25' }, 400, 'no matching subnet for range 10.234.30.0/25'],
    [{ name: 'x', gateway: '10.234.21.1' }, 400, 'every ip-range or gateway must have a corresponding subnet'],
    [{ name: 'x', subnet: '10.234.20.0/24', options: { 'com.docker.network.bridge.name': 'this-name-is-too-long' } }, 400, 'invalid bridge name this-name-is-too-long'],
    [{ name: 'x', subnet: '10.234.20.0/24', options: { 'com.docker.network.bridge.name': 'hostif0' } }, 409, 'bridge device hostif0 already exists on the host'],
    [{ name: 'x', subnet: '10.234.20.0/24', options: { 'com.docker.network.driver.mtu': '9' } }, 400, 'invalid MTU 9'],
  ];
  for (const [o, status, message] of cases) {
    const err = await m.createNetwork(o).then(
      () => undefined,
      (e: unknown) => e as { status: number; message: string },
    );
    expect({ name: o.name, status: err?.status, ok: typeof message === 'string' ? err?.message === message : message.test(err?.message ?? '') }).toEqual({ name: o.name, status, ok: true });
  }
  expect(m.list().map((n) => n.Name).sort()).toEqual(['bridge', 'first', 'host', 'none']);
  expect(bridges()).toEqual([...before, `br-${m.inspect('first').Id.slice(0, 12)}`].sort());
});

test('auto-assigned subnets skip taken ones and the host\'s own', async () => {
  const pools = [{ base: '10.234.250.0/23', size: 24 }];
  // A daemon restarted with other default-address-pools (one manager per state dir at a time).
  m.close();
  m = await bed.manager([], { defaultAddressPools: pools });
  const m2 = m;
  // 10.234.250.0/24 is the host's LAN (hostif0): skipped.
  const a = await m2.createNetwork({ name: 'auto-a' });
  expect(a.IPAM.Config).toEqual([{ Subnet: '10.234.251.0/24', Gateway: '10.234.251.1' }]);
  await expect(m2.createNetwork({ name: 'auto-b' })).rejects.toMatchObject({
    status: 400,
    message: 'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network',
  });
  await m2.removeNetwork('auto-a');
});

test('unknown network, aliases and --ip where Docker refuses them, a network in use', async () => {
  const before = bed.leftovers();
  await expect(m.attach('c1', { name: 'c1', networks: [{ network: 'nosuchnet' }] })).rejects.toMatchObject({ status: 404, message: 'network nosuchnet not found' });
  await expect(m.attach('c1', { name: 'c1', networks: [{ network: 'bridge', aliases: ['a'] }] })).rejects.toThrow('network-scoped alias is supported only for containers in user defined networks');
  await expect(m.attach('c1', { name: 'c1', networks: [{ network: 'bridge', ipv4Address: '10.234.0.9' }] })).rejects.toThrow(
    'user specified IP address is supported only when connecting to networks with user configured subnets',
  );
  await expect(m.attach('c1', { name: 'c1', networks: [{ network: 'first' }, { network: 'first' }] })).rejects.toThrow('more than once');
  await expect(m.attach('c1', { name: 'c1', ports: ['80:80:80:80'] })).rejects.toMatchObject({ status: 400 });
  await expect(m.attach('c1', { name: 'c1', extraHosts: ['bad'] })).rejects.toThrow('bad format for add-host: "bad"');
  expect(bed.leftovers()).toEqual(before);
  expect(m.inspect('first').Containers).toEqual({});

  const c = await m.attach('c1', { name: 'c1', networks: [{ network: 'first', ipv4Address: '10.234.10.77' }] });
  expect(c.endpoints[0]?.ip).toBe('10.234.10.77');
  await expect(m.attach('c2', { name: 'c2', networks: [{ network: 'first', ipv4Address: '10.234.10.77' }] })).rejects.toThrow('Address already in use: 10.234.10.77');
  await expect(m.attach('c1', { name: 'c1' })).rejects.toMatchObject({ status: 409 });
  await expect(m.removeNetwork('first')).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/^error while removing network: network first id [0-9a-f]{64} has active endpoints$/) as string });
  expect(await m.prune()).toEqual([]);
  await m.detach('c1');
  expect(await m.detach('c1')).toBe(false);
  expect(await m.prune()).toEqual(['first']);
  expect(() => m.inspect('first')).toThrow('network first not found');
  expect(bridges()).toEqual([`en${bed.tag}`]);
  expect(bed.leftovers()).toEqual({ links: [], rules: [], netnsFiles: [], mounts: [] });
});
