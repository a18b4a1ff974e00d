// The adapter engined plugs into its network seam: container records in, attachments out.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BridgeAttacher, portSpecsFromBindings, type BridgeContainer, type NetworkManager } from '../../src/network/index.js';
import type { NetworkAttacher } from '../../src/daemon/networking/network-attacher.js';
import { NetTestBed } from './helpers/net-testbed.js';

const bed = new NetTestBed('attacher', 236);
let m: NetworkManager;
let attacher: BridgeAttacher;

function record(id: string, over: Partial<BridgeContainer['HostConfig']> = {}, extra: Partial<BridgeContainer> = {}): BridgeContainer {
  const dir = path.join(bed.tmp, 'containers', id);
  fs.mkdirSync(dir, { recursive: true });
  return {
    ID: id,
    Name: `/${id}-name`,
    Config: { Hostname: id.slice(0, 12), Domainname: '', ExposedPorts: { '80/tcp': {} } },
    HostConfig: { NetworkMode: 'bridge', ...over },
    HostsPath: path.join(dir, 'hosts'),
    ...extra,
  };
}

beforeAll(async () => {
  await bed.init();
  m = await bed.manager();
  attacher = new BridgeAttacher(m);
  // It fits engined's seam as it is (a compile-time check).
  const seam: NetworkAttacher = attacher;
  expect(seam.handles('bridge')).toBe(true);
});

afterAll(async () => {
  await bed.cleanup();
});

test('port bindings back to -p specs', () => {
  expect(portSpecsFromBindings({ '80/tcp': [{ HostIp: '', HostPort: '8080' }, { HostIp: '127.0.0.1', HostPort: '' }], '53/udp': [{}], '443/tcp': [] })).toEqual([
    ':8080:80/tcp',
    '127.0.0.1::80/tcp',
    '53/udp',
    '443/tcp',
  ]);
  expect(portSpecsFromBindings(undefined)).toEqual([]);
});

test('modes it serves, and create-time validation', () => {
  expect(['bridge', 'mynet', 'container:abc'].map((x) => attacher.handles(x))).toEqual([true, true, true]);
  expect(['none', 'host'].map((x) => attacher.handles(x))).toEqual([false, false]);
  expect(() => attacher.validate(record('v1', { NetworkMode: 'nosuch' }))).toThrow(expect.objectContaining({ status: 404, message: 'network nosuch not found' }) as Error);
  expect(() => attacher.validate(record('v2', { PortBindings: { '80/tcp': [{ HostPort: 'x' }] } }))).toThrow('Invalid hostPort: x');
  expect(() => attacher.validate(record('v3', { ExtraHosts: ['nocolon'] }))).toThrow('bad format for add-host');
  expect(() => attacher.validate(record('v4', { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } }))).not.toThrow();
  // container:<id> cannot have ports, DNS or hosts of its own; every joined network must exist.
  expect(() => attacher.validate(record('v5', { NetworkMode: 'container:x', PortBindings: { '80/tcp': [] } }))).toThrow(expect.objectContaining({ status: 400, message: 'conflicting options: port publishing and the container type network mode' }) as Error);
  expect(() => attacher.validate(record('v6', { NetworkMode: 'container:x', Dns: ['1.1.1.1'] }))).toThrow('conflicting options: dns and the network mode');
  expect(() => attacher.validate(record('v7', { NetworkMode: 'container:x', ExtraHosts: ['a:1.2.3.4'] }))).toThrow('conflicting options: custom host-to-IP mapping');
  expect(() => attacher.validate(record('v8', {}, { NetworkingConfig: { EndpointsConfig: { gone: {} } } }))).toThrow('network gone not found');
});

test('a record with -p, -P, --network-alias on a user network, files in the engine\'s dir', async () => {
  await m.createNetwork({ name: 'front', subnet: '10.236.1.0/24' });
  const rec = record('a'.repeat(64), { NetworkMode: 'front', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, PublishAllPorts: true, ExtraHosts: ['db:10.9.9.9'] }, {
    Config: { Hostname: 'web', Domainname: '', ExposedPorts: { '80/tcp': {}, '443/tcp': {} } },
    NetworkingConfig: { EndpointsConfig: { front: { Aliases: ['www'], IPAMConfig: { IPv4Address: '10.236.1.50' } } } },
  });
  const att = await attacher.attach(rec);
  expect(att.netns).toBe(path.join(bed.runDir, 'netns', rec.ID));
  expect(att.networks).toEqual({
    // Docker lists the short id among the aliases on a user-defined network.
    front: expect.objectContaining({ IPAddress: '10.236.1.50', IPPrefixLen: 24, Gateway: '10.236.1.1', MacAddress: '02:42:0a:ec:01:32', Aliases: ['www', 'aaaaaaaaaaaa'] }) as object,
  });
  expect(att.hostname).toBe('web');
  expect(att.files).toEqual({ hostsPath: rec.HostsPath, resolvConfPath: path.join(path.dirname(rec.HostsPath), 'resolv.conf'), hostnamePath: path.join(path.dirname(rec.HostsPath), 'hostname') });
  expect(att.ports.map((p) => p.containerPort)).toEqual([80, 443]);
  expect(attacher.current(rec)).toEqual(att);
  expect(m.ports(rec.ID).map((p) => [p.containerPort, p.hostPort > 0])).toEqual([
    [80, true],
    [443, true],
  ]);
  expect(m.ports(rec.ID)[0]?.hostPort).toBe(8080);
  expect(fs.readFileSync(rec.HostsPath, 'utf8')).toContain('10.9.9.9\tdb\n10.236.1.50\tweb\n');
  expect(fs.readFileSync(path.join(path.dirname(rec.HostsPath), 'resolv.conf'), 'utf8')).toContain('nameserver 127.0.0.11');
  expect(await attacher.restore(rec)).toEqual(att);

  const joiner = record('b'.repeat(64), { NetworkMode: `container:${rec.ID}` });
  const joined = await attacher.attach(joiner);
  // The joiner uses the owner's namespace, hostname and files.
  expect([joined.netns, joined.hostname, joined.files]).toEqual([att.netns, 'web', att.files]);
  await attacher.detach(joiner);
  await attacher.detach(rec);
  await attacher.detach(rec);
  await expect(attacher.restore(rec)).rejects.toThrow('networking is gone');
  // The engine's dir is the engine's: the files stay, the namespace and ports go.
  expect(fs.existsSync(rec.HostsPath)).toBe(true);
  expect(bed.leftovers()).toEqual({ links: [], rules: [], netnsFiles: [], mounts: [] });
});

test('networks joined later (network connect while stopped) are joined again after the mode\'s own', async () => {
  await m.createNetwork({ name: 'back', subnet: '10.236.2.0/24' });
  const rec = record('c'.repeat(64), { NetworkMode: 'front' }, { NetworkingConfig: { EndpointsConfig: { back: { Aliases: ['api'] } } } });
  expect(attacher.options(rec).networks).toEqual([{ network: 'front' }, { network: 'back', aliases: ['api'] }]);
  const att = await attacher.attach(rec);
  expect(Object.keys(att.networks)).toEqual(['front', 'back']);
  await attacher.detach(rec);
  expect(attacher.current(rec)).toBeUndefined();
});
