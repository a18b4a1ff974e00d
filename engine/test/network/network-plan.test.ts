// The planning half of networking, over a state object and without root: network records from
// create requests, sandbox records from attach requests, and the predefined networks.
import { dnsViews } from '../../src/network/dns/dns-views.js';
import { ensurePredefined, filterNetworks, findNetwork, planNetwork } from '../../src/network/networks.js';
import { resolveOptions } from '../../src/network/options.js';
import { planSandbox, planShared } from '../../src/network/sandbox-plan.js';
import { emptyState, type NetworkStateData } from '../../src/network/state/records.js';

const opts = resolveOptions({ stateDir: '/x/state', runDir: '/x/run', defaultBridge: { subnet: '10.240.0.0/24' } });
const hostResolv = { nameservers: ['10.0.0.53'], search: [], options: [] };
const paths = (id: string) => ({ netnsPath: `/x/run/netns/${id}`, filesDir: `/x/state/containers/${id}`, ownFilesDir: true });

function fresh(): NetworkStateData {
  const s = emptyState();
  ensurePredefined(s, opts);
  const net = planNetwork(s, { name: 'app', subnet: '10.240.1.0/29', labels: { a: 'b' } }, [], opts);
  net.status = 'ready';
  s.networks[net.id] = net;
  return s;
}

/** Adds a planned sandbox as attached. */
function attach(s: NetworkStateData, id: string, o: Parameters<typeof planSandbox>[2]) {
  const sb = planSandbox(s, id, o, paths(id), hostResolv);
  sb.status = 'ready';
  s.sandboxes[id] = sb;
  return sb;
}

test('predefined networks; reconfiguring the default bridge only while unused', () => {
  const s = emptyState();
  expect(ensurePredefined(s, opts)).toEqual({});
  expect(filterNetworks(s).map((n) => [n.name, n.driver, n.bridge?.subnet ?? ''])).toEqual(
    expect.arrayContaining([
      ['bridge', 'bridge', '10.240.0.0/24'],
      ['host', 'host', ''],
      ['none', 'null', ''],
    ]),
  );
  const ids = Object.keys(s.networks).sort();
  expect(ensurePredefined(s, opts)).toEqual({});
  expect(Object.keys(s.networks).sort()).toEqual(ids);
  const other = resolveOptions({ stateDir: '/x', runDir: '/y', defaultBridge: { subnet: '10.241.0.0/16', device: 'eng1' } });
  expect(ensurePredefined(s, other)).toEqual({ oldDevice: 'engine0' });
  expect(findNetwork(s, 'bridge').bridge).toMatchObject({ subnet: '10.241.0.0/16', gateway: '10.241.0.1', device: 'eng1' });
  attach(s, 'c1', { name: 'c1' });
  expect(ensurePredefined(s, opts)).toEqual({});
  expect(findNetwork(s, 'bridge').bridge?.subnet).toBe('10.241.0.0/16');
});

test('network records: defaults, options, host subnets avoided', () => {
  const s = fresh();
  const n = planNetwork(s, { name: 'web', options: { 'com.docker.network.bridge.enable_icc': 'false', 'com.docker.network.driver.mtu': '1400' } }, [], opts);
  expect(n.bridge).toMatchObject({ subnet: '172.17.0.0/16', gateway: '172.17.0.1', icc: false, mtu: 1400, masquerade: true, userSubnet: false });
  expect(n.bridge?.device).toBe(`br-${n.id.slice(0, 12)}`);
  const avoided = planNetwork(s, { name: 'web' }, [{ network: 0xac110000, prefix: 16 }], opts);
  expect(avoided.bridge?.subnet).toBe('172.18.0.0/16');
  expect(() => planNetwork(s, { name: 'x', options: { 'com.docker.network.bridge.enable_icc': 'maybe' } }, [], opts)).toThrow('invalid value for com.docker.network.bridge.enable_icc: maybe');
});

test('sandboxes: addresses, interfaces, veth names, DNS settings', () => {
  const s = fresh();
  const a = attach(s, 'a'.repeat(64), { name: '/alpha', networks: [{ network: 'app', aliases: ['db', 'db'] }, { network: 'bridge' }] });
  expect(a.name).toBe('alpha');
  expect(a.hostname).toBe('aaaaaaaaaaaa');
  expect(a.endpoints.map((e) => [e.ip, e.ifname, e.mac, e.aliases])).toEqual([
    ['10.240.1.2', 'eth0', '02:42:0a:f0:01:02', ['db']],
    ['10.240.0.2', 'eth1', '02:42:0a:f0:00:02', []],
  ]);
  expect(a.endpoints[0]!.hostVeth).toMatch(/^ve-[0-9a-f]{12}$/);
  expect(a.endpoints[0]!.hostVeth).not.toBe(a.endpoints[1]!.hostVeth);
  expect(a.resolvConf.nameservers).toEqual(['127.0.0.11']);
  expect(a.dnsUpstreams).toEqual(['10.0.0.53']);

  const b = attach(s, 'b'.repeat(64), { name: 'beta', networks: [{ network: 'app', ipv4Address: '10.240.1.6' }] });
  expect(b.endpoints[0]!.ip).toBe('10.240.1.6');
  attach(s, 'c'.repeat(64), { name: 'gamma', networks: [{ network: 'app' }] });
  attach(s, 'd'.repeat(64), { name: 'delta', networks: [{ network: 'app' }] });
  attach(s, '5'.repeat(64), { name: 'five', networks: [{ network: 'app' }] });
  // /29: .2–.6 usable, all taken now.
  expect(() => planSandbox(s, 'e'.repeat(64), { name: 'eps', networks: [{ network: 'app' }] }, paths('e'), hostResolv)).toThrow(/no available IPv4 addresses/);

  const views = dnsViews(s, 'b'.repeat(64));
  expect(views.map((v) => v.network)).toEqual(['app']);
  expect(views[0]!.peers.find((p) => p.ip === '10.240.1.2')?.names).toEqual(['alpha', 'db', 'aaaaaaaaaaaa']);
  // The default bridge has no DNS names.
  const plain = attach(s, 'f'.repeat(64), { name: 'plain' });
  expect(dnsViews(s, plain.containerId)).toEqual([]);
  expect(plain.resolvConf.nameservers).toEqual(['10.0.0.53']);
  expect(plain.dnsUpstreams).toEqual([]);
});

test('--network container:<id>', () => {
  const s = fresh();
  const owner = attach(s, 'o'.repeat(64), { name: 'owner', networks: [{ network: 'app' }] });
  const j = planShared(s, 'j'.repeat(64), { name: 'j', container: 'owner' });
  expect(j).toMatchObject({ sharedWith: owner.containerId, netnsPath: owner.netnsPath, filesDir: owner.filesDir, ownFilesDir: false, hostname: owner.hostname, endpoints: [] });
  s.sandboxes[j.containerId] = j;
  // Joining a joiner joins its owner.
  expect(planShared(s, 'k'.repeat(64), { name: 'k', container: 'j' }).sharedWith).toBe(owner.containerId);
  // By unique id prefix too.
  expect(planShared(s, 'x'.repeat(64), { name: 'x', container: 'ooo' }).sharedWith).toBe(owner.containerId);
  for (const [o, message] of [
    [{ hostname: 'h' }, 'conflicting options: hostname and the network mode'],
    [{ dns: ['1.1.1.1'] }, 'conflicting options: dns and the network mode'],
    [{ extraHosts: ['a:1.2.3.4'] }, 'conflicting options: custom host-to-IP mapping and the network mode'],
    [{ publishAll: true }, 'conflicting options: port publishing and the container type network mode'],
    [{ networks: [{ network: 'app' }] }, "conflicting options: container type network can't be used with multiple networks"],
  ] as const) {
    expect(() => planShared(s, 'z'.repeat(64), { name: 'z', container: 'owner', ...o })).toThrow(message);
  }
});
