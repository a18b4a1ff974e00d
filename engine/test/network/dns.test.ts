// Name resolution and isolation with real containers: two containers on a user-defined network
// find each other by name and alias through the embedded DNS at 127.0.0.11; an --internal network
// has no way out; --network container:<id>; connect and disconnect on a running container.
import type { AttachResult, NetworkManager } from '../../src/network/index.js';
import { NetTestBed } from './helpers/net-testbed.js';

const bed = new NetTestBed('dns', 232);
let m: NetworkManager;
const started: string[] = [];
const ALPHA = 'aaaa00000000000000000000000000000000000000000000000000000000000a';

async function start(id: string, net: AttachResult): Promise<void> {
  await bed.run(id, ['sleep', '3600'], net);
  started.push(id);
}

async function inContainer(id: string, argv: string[]): Promise<{ code: number; out: string }> {
  const r = await bed.exec(id, argv);
  return { code: r.code, out: r.stdout + r.stderr };
}

beforeAll(async () => {
  await bed.init();
  m = await bed.manager();
});

afterAll(async () => {
  for (const id of started) bed.kill(id);
  await bed.cleanup();
});

test('containers on a user-defined network resolve each other by name and alias', async () => {
  const created = await m.createNetwork({ name: 'appnet', subnet: '10.232.1.0/24', labels: { tier: 'app' } });
  expect(created).toMatchObject({ Name: 'appnet', Driver: 'bridge', Internal: false, IPAM: { Config: [{ Subnet: '10.232.1.0/24', Gateway: '10.232.1.1' }] } });

  const a = await m.attach(ALPHA, {
    name: 'alpha',
    networks: [{ network: 'appnet', aliases: ['db', 'primary'] }],
    extraHosts: ['gw:host-gateway', 'legacy:10.9.8.7'],
    dnsSearch: ['corp.example'],
  });
  const b = await m.attach('bbbb00000000000000000000000000000000000000000000000000000000000b', { name: 'beta', hostname: 'bee', networks: [{ network: 'appnet' }] });
  expect(a.files.resolvConf).toBe('search corp.example\nnameserver 127.0.0.11\noptions ndots:0\n');
  await start('alpha', a);
  await start('beta', b);

  const alphaIp = a.endpoints[0]!.ip;
  const betaIp = b.endpoints[0]!.ip;
  for (const name of ['alpha', 'db', 'primary', 'alpha.appnet', 'aaaa00000000']) {
    const r = await inContainer('beta', ['nslookup', name]);
    expect(r.out).toContain(`Address: ${alphaIp}`);
  }
  // alpha has a search domain (busybox nslookup then asks only for beta.corp.example): the C
  // library's resolver tries the bare name first (ndots:0).
  expect((await inContainer('alpha', ['ping', '-c', '1', '-W', '2', 'beta'])).out).toContain(`(${betaIp})`);
  const unknown = await inContainer('beta', ['nslookup', 'nosuchcontainer']);
  expect(unknown.code).not.toBe(0);

  const hosts = (await inContainer('alpha', ['cat', '/etc/hosts'])).out;
  expect(hosts).toContain('10.232.0.1\tgw\n');
  expect(hosts).toContain('10.9.8.7\tlegacy\n');
  expect(hosts).toContain(`${alphaIp}\taaaa00000000\n`);
  expect((await inContainer('beta', ['hostname'])).out.trim()).toBe('bee');
  expect((await inContainer('beta', ['cat', '/etc/resolv.conf'])).out).toBe('nameserver 127.0.0.11\noptions ndots:0\n');

  // The default bridge has no DNS: the host's servers without loopback ones.
  const plain = await m.attach('plain', { name: 'plain' });
  expect(plain.files.resolvConf).toBe('nameserver 10.232.250.53\n');
  await m.detach('plain');

  // Isolation: a container on the default bridge cannot reach appnet's containers.
  const outsider = await m.attach('outsider', { name: 'outsider' });
  await start('outsider', outsider);
  await bed.exec('alpha', ['sh', '-c', 'httpd -p 80 -h /']);
  expect((await inContainer('beta', ['wget', '-q', '-O', '-', `http://${alphaIp}/etc/hostname`])).out.trim()).toBe('aaaa00000000');
  const blocked = await bed.exec('outsider', ['timeout', '2', 'wget', '-q', '-O', '-', `http://${alphaIp}/etc/hostname`]);
  expect(blocked.code).not.toBe(0);
});

test('network inspect, ls filters, connect and disconnect of a running container', async () => {
  const net = m.inspect('appnet');
  expect(Object.values(net.Containers).map((c) => c.Name).sort()).toEqual(['alpha', 'beta']);
  expect(m.list({ label: ['tier=app'] }).map((n) => n.Name)).toEqual(['appnet']);
  expect(m.list({ type: ['builtin'] }).map((n) => n.Name).sort()).toEqual(['bridge', 'host', 'none']);
  expect(m.inspect(net.Id.slice(0, 6)).Name).toBe('appnet');

  const ep = await m.connect('appnet', 'outsider', { aliases: ['newcomer'] });
  expect(ep).toMatchObject({ network: 'appnet', ifname: 'eth1', aliases: ['newcomer'] });
  expect((await inContainer('beta', ['nslookup', 'newcomer'])).out).toContain(`Address: ${ep.ip}`);
  expect((await inContainer('outsider', ['cat', '/etc/resolv.conf'])).out).toContain('nameserver 127.0.0.11');
  expect((await inContainer('outsider', ['nslookup', 'alpha'])).out).toContain(`Address: ${m.container(ALPHA)!.endpoints[0]!.ip}`);
  expect((await inContainer('outsider', ['cat', '/etc/hosts'])).out).toContain(`${ep.ip}\toutsider`);
  await expect(m.connect('appnet', 'outsider')).rejects.toThrow('endpoint with name outsider already exists in network appnet');

  await m.disconnect('appnet', 'outsider');
  expect((await inContainer('beta', ['nslookup', 'newcomer'])).code).not.toBe(0);
  expect((await inContainer('outsider', ['ip', 'link'])).out).not.toContain('eth1');
  await expect(m.disconnect('appnet', 'outsider')).rejects.toThrow('container outsider is not connected to network appnet');
  await expect(m.removeNetwork('appnet')).rejects.toMatchObject({ status: 403, message: expect.stringContaining('has active endpoints') as string });
});

test('--network container:<id> shares the namespace and the files', async () => {
  const joined = await m.attach('joiner', { name: 'joiner', container: 'alpha' });
  const alpha = m.container(ALPHA)!;
  expect(joined.netnsPath).toBe(alpha.netnsPath);
  expect(joined.hostsPath).toBe(alpha.hostsPath);
  expect(joined.endpoints).toEqual([]);
  await start('joiner', joined);
  expect((await inContainer('joiner', ['ip', '-4', 'addr', 'show', 'eth0'])).out).toContain(alpha.endpoints[0]!.ip);
  await expect(m.attach('joiner2', { name: 'joiner2', container: 'alpha', ports: ['80'] })).rejects.toThrow('conflicting options: port publishing and the container type network mode');
  await expect(m.attach('joiner3', { name: 'joiner3', container: 'nobody' })).rejects.toThrow('cannot join network of a non running container: nobody');
  bed.kill('joiner');
  await m.detach('joiner');
  // The namespace stays with its owner.
  expect((await inContainer('alpha', ['ip', '-4', 'addr', 'show', 'eth0'])).out).toContain(alpha.endpoints[0]!.ip);
});

test('an --internal network has no route out, no masquerade, and fails fast going out', async () => {
  await m.createNetwork({ name: 'vault', subnet: '10.232.2.0/24', internal: true });
  const v = await m.attach('vault1', { name: 'vault1', networks: [{ network: 'vault', aliases: ['secret'] }] });
  await start('vault1', v);
  const routes = (await inContainer('vault1', ['ip', 'route'])).out;
  expect(routes).not.toContain('default');
  expect(routes).toContain('10.232.2.0/24 dev eth0');
  const t0 = Date.now();
  const out = await inContainer('vault1', ['wget', '-q', '-O', '-', `http://${bed.hostAddress}:9/`]);
  expect(out.code).not.toBe(0);
  expect(out.out).toMatch(/unreachable/i);
  expect(Date.now() - t0).toBeLessThan(3000);
  const nat = bed.host(['iptables', '-t', 'nat', '-S', 'ENGINE-POSTROUTING']).stdout;
  expect(nat).not.toContain('10.232.2.0/24');
  expect(nat).toContain('-A ENGINE-POSTROUTING -s 10.232.1.0/24 ! -o');
  expect(bed.host(['iptables', '-S', 'ENGINE-FORWARD']).stdout).toMatch(/-A ENGINE-FORWARD -i br-[0-9a-f]{12} -j DROP/);
  // Names still resolve inside the internal network.
  expect((await inContainer('vault1', ['nslookup', 'secret'])).out).toContain(`Address: ${v.endpoints[0]!.ip}`);
});
