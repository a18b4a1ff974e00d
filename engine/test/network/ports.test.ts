// Published ports with real containers: busybox httpd behind -p, fetched through the test host's
// loopback (the userland proxy) and its own address (DNAT), -P, a port in use, and removal.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NetworkManager } from '../../src/network/index.js';
import { NetTestBed } from './helpers/net-testbed.js';

const bed = new NetTestBed('ports', 231);
let m: NetworkManager;

function www(page: string): (rootfs: string) => void {
  return (rootfs) => {
    fs.mkdirSync(path.join(rootfs, 'www'), { recursive: true });
    fs.writeFileSync(path.join(rootfs, 'www', 'index.html'), page);
  };
}

async function fetchFromHost(url: string): Promise<string> {
  const r = await bed.hostAsync(['busybox', 'wget', '-q', '-O', '-', url]);
  if (r.code !== 0) throw new Error(`wget ${url}: ${r.stderr}`);
  return r.stdout;
}

/** Waits until the container's server answers on its own address (it starts after `run` returns). */
async function waitServing(ip: string, port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = await bed.hostAsync(['busybox', 'wget', '-q', '-O', '-', `http://${ip}:${port}/`], 5000);
    if (r.code === 0) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`nothing serves ${ip}:${port}`);
}

beforeAll(async () => {
  await bed.init();
  m = await bed.manager();
});

afterAll(async () => {
  await bed.cleanup();
});

test('httpd behind -p 8080:80 answers on 127.0.0.1 and on the host address, and is gone after detach', async () => {
  const net = await m.attach('web1', { name: 'web', ports: ['8080:80'] });
  expect(net.ports).toEqual([{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 8080 }]);
  expect(net.endpoints[0]).toMatchObject({ network: 'bridge', ip: '10.231.0.2', prefixLen: 24, gateway: '10.231.0.1', ifname: 'eth0', mac: '02:42:0a:e7:00:02' });
  await bed.run('web1', ['httpd', '-f', '-p', '80', '-h', '/www'], net, www('hello from web1\n'));
  await waitServing('10.231.0.2', 80);

  expect(await fetchFromHost('http://127.0.0.1:8080/')).toBe('hello from web1\n');
  expect(await fetchFromHost(`http://${bed.hostAddress}:8080/`)).toBe('hello from web1\n');
  // From another machine on the host's network: PREROUTING DNAT, then forwarding.
  const remote = await bed.clientAsync(['busybox', 'wget', '-q', '-O', '-', `http://${bed.hostAddress}:8080/`]);
  expect(remote).toMatchObject({ code: 0, stdout: 'hello from web1\n' });
  // The host address goes through DNAT, loopback through the proxy.
  // From another container, through the host's address: hairpin via the proxy, as Docker's.
  const peer = await m.attach('peer1', { name: 'peer' });
  await bed.run('peer1', ['sleep', '600'], peer);
  expect((await bed.exec('peer1', ['wget', '-q', '-O', '-', `http://${bed.hostAddress}:8080/`])).stdout).toBe('hello from web1\n');
  bed.kill('peer1');
  await m.detach('peer1');
  const rules = bed.host(['iptables', '-t', 'nat', '-S', 'ENGINE-DNAT']).stdout;
  expect(rules).toContain('--dport 8080');
  expect(rules).toContain('--to-destination 10.231.0.2:80');
  expect(m.ports('web1')).toEqual(net.ports);

  bed.kill('web1');
  expect(await m.detach('web1')).toBe(true);
  expect(bed.leftovers()).toEqual({ links: [], rules: [], netnsFiles: [], mounts: [] });
  const after = await bed.hostAsync(['busybox', 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/']);
  expect(after.code).not.toBe(0);
  expect(m.inspect('bridge').Containers).toEqual({});
});

test('-P publishes exposed ports on ephemeral host ports; 127.0.0.1-only ports stay on loopback', async () => {
  const net = await m.attach('web2', { name: 'web2', publishAll: true, exposedPorts: ['80/tcp'], ports: ['127.0.0.1:8081:81'] });
  const eph = net.ports.find((p) => p.containerPort === 80);
  expect(eph).toMatchObject({ hostIp: '', proto: 'tcp' });
  expect(eph!.hostPort).toBeGreaterThan(1024);
  expect(net.ports).toContainEqual({ containerPort: 81, proto: 'tcp', hostIp: '127.0.0.1', hostPort: 8081 });
  // Two servers: httpd without -f goes to the background.
  await bed.run('web2', ['sh', '-c', 'httpd -p 81 -h /www && exec httpd -f -p 80 -h /www'], net, www('web2\n'));
  await waitServing(net.endpoints[0]!.ip, 80);
  await waitServing(net.endpoints[0]!.ip, 81);
  expect(await fetchFromHost(`http://127.0.0.1:${eph!.hostPort}/`)).toBe('web2\n');
  expect(await fetchFromHost(`http://${bed.hostAddress}:${eph!.hostPort}/`)).toBe('web2\n');
  expect(await fetchFromHost('http://127.0.0.1:8081/')).toBe('web2\n');
  const viaHostAddress = await bed.hostAsync(['busybox', 'wget', '-q', '-O', '-', `http://${bed.hostAddress}:8081/`]);
  expect(viaHostAddress.code).not.toBe(0);
  bed.kill('web2');
  await m.detach('web2');
});

test('a port in use is refused with a clear error and nothing half set up', async () => {
  const first = await m.attach('holder', { name: 'holder', ports: ['8090:80'] });
  expect(first.ports[0]?.hostPort).toBe(8090);
  const before = bed.leftovers();

  await expect(m.attach('clash', { name: 'clash', ports: ['8091:81', '8090:80'] })).rejects.toMatchObject({
    status: 409,
    message: expect.stringMatching(/^driver failed programming external connectivity on endpoint clash \([0-9a-f]{64}\): Error starting userland proxy: listen tcp4 0.0.0.0:8090: bind: address already in use$/) as string,
  });
  expect(bed.leftovers()).toEqual(before);
  expect(m.container('clash')).toBeUndefined();
  expect(Object.keys(m.inspect('bridge').Containers)).toEqual(['holder']);
  // 8091 was bound before 8090 failed: it must have been released.
  const again = await m.attach('clash', { name: 'clash', ports: ['8091:81'] });
  expect(again.ports[0]?.hostPort).toBe(8091);
  // The address of the failed attempt went back to the pool (round-robin moves on, but nothing leaks).
  expect(Object.keys(m.inspect('bridge').Containers).sort()).toEqual(['clash', 'holder']);

  // A port held by some other program on the host.
  const squatter = bed.hostBackground(['busybox', 'nc', '-l', '-p', '8095']);
  await new Promise((r) => setTimeout(r, 300));
  await expect(m.attach('clash2', { name: 'clash2', ports: ['8095:80'] })).rejects.toThrow(/listen tcp4 0.0.0.0:8095: bind: address already in use/);
  expect(m.container('clash2')).toBeUndefined();
  squatter.kill('SIGKILL');

  // A range picks the first free port in it.
  const ranged = await m.attach('ranged', { name: 'ranged', ports: ['8090-8093:80'] });
  expect(ranged.ports[0]?.hostPort).toBe(8092);

  for (const id of ['holder', 'clash', 'ranged']) await m.detach(id);
  expect(bed.leftovers()).toEqual({ links: [], rules: [], netnsFiles: [], mounts: [] });
});
