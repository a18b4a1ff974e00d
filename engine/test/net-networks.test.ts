// User-defined networks through engined and the CLI (daemons in the test's own network namespace):
// create/ls/inspect/rm/prune with bad input, name and alias resolution between containers,
// --internal, connect/disconnect, --network container:, and Debian's stock docker CLI.
import { fetchPage, inspectJson, networkLeftovers, NOTHING_LEFT } from './support/net-checks.js';
import { startStack, type Stack } from './support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
}, 180_000);

afterAll(async () => {
  await s?.cleanup();
});

interface NetworkInspect {
  Id: string;
  Name: string;
  Internal: boolean;
  IPAM: { Config: Array<{ Subnet: string; Gateway: string }> };
  Containers: Record<string, { Name: string; IPv4Address: string }>;
  Labels: Record<string, string>;
}

interface ContainerInspect {
  Id: string;
  NetworkSettings: { Networks: Record<string, { IPAddress: string; Aliases: string[] | null }> };
}

test('network create, ls, inspect, rm, and bad input: clear errors, nothing half-made', async () => {
  const created = await s.engine(['network', 'create', '--subnet', '10.77.0.0/24', '--label', 'team=a', 'appnet']);
  expect(created.stderr).toBe('');
  expect(created.stdout).toMatch(/^[0-9a-f]{64}\n$/);
  const ls = await s.engine(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}']);
  expect(ls.stdout.trim().split('\n').sort()).toEqual(['appnet bridge local', 'bridge bridge local', 'host host local', 'none null local']);
  expect((await s.engine(['network', 'ls', '-q', '--filter', 'label=team=a'])).stdout).toBe(`${created.stdout.slice(0, 12)}\n`);
  expect((await s.engine(['network', 'ls', '-q', '--filter', 'type=builtin'])).stdout.trim().split('\n')).toHaveLength(3);
  const net = await inspectJson<NetworkInspect>(s, 'network', 'appnet');
  expect(net).toMatchObject({ Name: 'appnet', Internal: false, IPAM: { Config: [{ Subnet: '10.77.0.0/24', Gateway: '10.77.0.1' }] }, Labels: { team: 'a' } });

  const overlap = await s.engine(['network', 'create', '--subnet', '10.77.0.128/25', 'overlap']);
  expect(overlap.code).toBe(1);
  expect(overlap.stderr).toMatch(/Pool overlaps with other one on this address space/);
  const dup = await s.engine(['network', 'create', 'appnet']);
  expect(dup.stderr).toMatch(/network with name appnet already exists/);
  const badGw = await s.engine(['network', 'create', '--subnet', '10.78.0.0/24', '--gateway', '10.79.0.1', 'badgw']);
  expect(badGw.stderr).toMatch(/no matching subnet for gateway 10\.79\.0\.1/);
  const api = await s.api('POST', '/v1.41/networks/create', JSON.stringify({ Name: 'x', IPAM: { Config: [{ Subnet: 'nonsense' }] } }));
  expect(api.status).toBe(400);
  expect(JSON.parse(api.body)).toEqual({ message: 'invalid CIDR address: nonsense' });
  const unknown = await s.engine(['run', '--rm', '--network', 'nosuch', 'busybox', 'true']);
  expect(unknown.code).toBe(125);
  expect(unknown.stderr).toMatch(/network nosuch not found/);
  expect((await s.engine(['network', 'rm', 'nosuch'])).stderr).toMatch(/network nosuch not found/);
  expect((await s.engine(['network', 'rm', 'bridge'])).stderr).toMatch(/bridge is a pre-defined network and cannot be removed/);
  expect((await s.engine(['network', 'ls', '--format', '{{.Name}}'])).stdout.trim().split('\n').sort()).toEqual(['appnet', 'bridge', 'host', 'none']);
  expect((await s.inHost(['ip', '-o', 'link', 'show'])).stdout).not.toMatch(/br-.*(overlap|badgw)/);
  expect(await networkLeftovers(s)).toEqual(NOTHING_LEFT);
}, 60_000);

test('containers on a user-defined network resolve each other by name and by --network-alias', async () => {
  const srv = await s.engine(['run', '-d', '--network', 'appnet', '--network-alias', 'db', '--name', 'srv', 'busybox', 'sh', '-c', 'echo served > /tmp/index.html; httpd -f -p 80 -h /tmp']);
  expect(srv.code).toBe(0);
  const ins = await inspectJson<ContainerInspect>(s, 'container', 'srv');
  const ip = ins.NetworkSettings.Networks.appnet?.IPAddress ?? '';
  expect(ip).toMatch(/^10\.77\.0\.\d+$/);
  expect(ins.NetworkSettings.Networks.appnet?.Aliases).toEqual(['db', ins.Id.slice(0, 12)]);
  const client = await s.engine(['run', '--rm', '--network', 'appnet', 'busybox', 'sh', '-c', 'cat /etc/resolv.conf; nslookup srv; nslookup db; wget -qO- http://db/']);
  expect(client.stdout).toContain('nameserver 127.0.0.11');
  expect(client.stdout.match(new RegExp(`Address: ${ip.replace(/\./g, '\\.')}`, 'g'))).toHaveLength(2);
  expect(client.stdout).toContain('served\n');
  // The default bridge has no DNS of its own: names do not resolve there.
  const onBridge = await s.engine(['run', '--rm', 'busybox', 'sh', '-c', 'nslookup srv >/dev/null 2>&1 && echo found || echo missing']);
  expect(onBridge.stdout).toBe('missing\n');
  // --add-host, --dns, --hostname and --ip reach the container's files.
  const files = await s.engine(['run', '--rm', '--network', 'appnet', '--ip', '10.77.0.200', '--hostname', 'box', '--add-host', 'gw.example:10.77.0.1', '--dns-search', 'corp.example', 'busybox', 'sh', '-c', 'hostname; cat /etc/hosts /etc/resolv.conf; ip -4 -o addr show eth0']);
  expect(files.stdout).toMatch(/^box\n/);
  expect(files.stdout).toContain('10.77.0.1\tgw.example');
  expect(files.stdout).toContain('search corp.example');
  expect(files.stdout).toContain('inet 10.77.0.200/24');
}, 90_000);

test('an --internal network has no route out; a normal one reaches the host', async () => {
  expect((await s.engine(['network', 'create', '--internal', '--subnet', '10.76.0.0/24', 'inner'])).code).toBe(0);
  const inner = await s.engine(['run', '--rm', '--network', 'inner', 'busybox', 'sh', '-c', `ip route; ping -c 1 -W 1 ${s.hostAddress} >/dev/null 2>&1 && echo reached || echo unreachable`]);
  expect(inner.stdout).not.toContain('default');
  expect(inner.stdout).toContain('unreachable');
  const outer = await s.engine(['run', '--rm', '--network', 'appnet', 'busybox', 'sh', '-c', `ip route; ping -c 1 -W 2 ${s.hostAddress} >/dev/null 2>&1 && echo reached || echo unreachable`]);
  expect(outer.stdout).toContain('default via 10.77.0.1');
  expect(outer.stdout).toContain('reached');
  expect((await inspectJson<NetworkInspect>(s, 'network', 'inner')).Internal).toBe(true);
}, 60_000);

test('network connect and disconnect a running container; a removed endpoint blocks nothing', async () => {
  expect((await s.engine(['run', '-d', '--name', 'roamer', 'busybox', 'sleep', '3600'])).code).toBe(0);
  expect((await s.engine(['network', 'connect', '--alias', 'wanderer', 'appnet', 'roamer'])).code).toBe(0);
  const both = await inspectJson<ContainerInspect>(s, 'container', 'roamer');
  expect(Object.keys(both.NetworkSettings.Networks).sort()).toEqual(['appnet', 'bridge']);
  expect((await s.engine(['exec', 'roamer', 'ip', '-o', 'link'])).stdout).toContain('eth1');
  const seen = await s.engine(['exec', 'srv', 'nslookup', 'wanderer']);
  expect(seen.stdout).toContain(`Address: ${both.NetworkSettings.Networks.appnet?.IPAddress ?? '?'}`);
  expect(Object.values((await inspectJson<NetworkInspect>(s, 'network', 'appnet')).Containers).map((c) => c.Name).sort()).toEqual(['roamer', 'srv']);
  const inUse = await s.engine(['network', 'rm', 'appnet']);
  expect(inUse.stderr).toMatch(/has active endpoints/);
  expect((await s.engine(['network', 'connect', 'appnet', 'roamer'])).stderr).toMatch(/already exists in network appnet/);
  // Joined networks are kept with the container: a restart joins them again.
  expect((await s.engine(['restart', '-t', '1', 'roamer'])).code).toBe(0);
  expect(Object.keys((await inspectJson<ContainerInspect>(s, 'container', 'roamer')).NetworkSettings.Networks).sort()).toEqual(['appnet', 'bridge']);
  expect((await s.engine(['network', 'disconnect', 'appnet', 'roamer'])).code).toBe(0);
  expect(Object.keys((await inspectJson<ContainerInspect>(s, 'container', 'roamer')).NetworkSettings.Networks)).toEqual(['bridge']);
  expect((await s.engine(['exec', 'roamer', 'ip', '-o', 'link'])).stdout).not.toContain('eth1');
  expect((await s.engine(['network', 'disconnect', 'appnet', 'roamer'])).stderr).toMatch(/is not connected to network appnet/);
}, 90_000);

test('--network container:NAME shares the namespace, hostname and files of the other container', async () => {
  const r = await s.engine(['run', '--rm', '--network', 'container:srv', 'busybox', 'sh', '-c', 'hostname; wget -qO- http://127.0.0.1/']);
  const srv = await inspectJson<ContainerInspect>(s, 'container', 'srv');
  expect(r.stdout).toBe(`${srv.Id.slice(0, 12)}\nserved\n`);
  const bad = await s.engine(['run', '--rm', '--network', 'container:srv', '-p', '80', 'busybox', 'true']);
  expect(bad.stderr).toMatch(/conflicting options: port publishing and the container type network mode/);
}, 60_000);

test('bash completion offers network names for network commands and --network', async () => {
  expect((await s.engine(['--get-yargs-completions', 'engine', 'network', 'rm', 'app'])).stdout.trim()).toBe('appnet');
  expect((await s.engine(['--get-yargs-completions', 'engine', 'network', 'connect', 'in'])).stdout.trim()).toBe('inner');
  expect((await s.engine(['--get-yargs-completions', 'engine', 'network', 'connect', 'appnet', 'ro'])).stdout.trim()).toBe('roamer');
  const values = (await s.engine(['--get-yargs-completions', 'engine', 'run', '--network', ''])).stdout.trim().split('\n');
  expect(values).toEqual(expect.arrayContaining(['bridge', 'host', 'none', 'appnet', 'inner', 'container:srv']));
  expect((await s.engine(['--get-yargs-completions', 'engine', 'network', ''])).stdout).toMatch(/^create\b/m);
}, 60_000);

test('rm and prune leave no veth, rule, namespace, binding or address behind', async () => {
  expect((await s.engine(['rm', '-f', 'srv', 'roamer'])).code).toBe(0);
  expect(await networkLeftovers(s)).toEqual(NOTHING_LEFT);
  const pruned = await s.engine(['network', 'prune', '-f']);
  expect(pruned.stdout).toMatch(/Deleted Networks:\n(appnet\ninner|inner\nappnet)\n/);
  expect((await s.engine(['network', 'ls', '--format', '{{.Name}}'])).stdout.trim().split('\n').sort()).toEqual(['bridge', 'host', 'none']);
  expect((await s.inHost(['ip', '-o', 'link', 'show'])).stdout).not.toMatch(/br-[0-9a-f]{12}/);
}, 60_000);

test("Debian's docker CLI (API 1.41): network create/ls/rm and run -p", async () => {
  expect((await s.docker(['network', 'create', '--subnet', '10.75.0.0/24', 'dnet'])).code).toBe(0);
  expect((await s.docker(['network', 'ls'])).stdout).toMatch(/\bdnet\s+bridge\s+local\b/);
  const run = await s.docker(['run', '-d', '--network', 'dnet', '-p', '127.0.0.1:8091:80', '--name', 'dweb', 'busybox', 'sh', '-c', 'echo docker > /tmp/index.html; httpd -f -p 80 -h /tmp']);
  expect(run.stderr).toBe('');
  expect(await fetchPage(s, 'http://127.0.0.1:8091/')).toBe('docker\n');
  expect((await s.docker(['port', 'dweb'])).stdout).toBe('80/tcp -> 127.0.0.1:8091\n');
  expect((await s.docker(['ps', '--format', '{{.Names}} {{.Ports}} {{.Networks}}'])).stdout).toContain('dweb 127.0.0.1:8091->80/tcp dnet');
  expect((await s.docker(['inspect', '-f', '{{.NetworkSettings.Networks.dnet.IPAddress}}', 'dweb'])).stdout).toMatch(/^10\.75\.0\.\d+\n$/);
  expect((await s.docker(['rm', '-f', 'dweb'])).code).toBe(0);
  expect((await s.docker(['network', 'rm', 'dnet'])).stdout).toBe('dnet\n');
  expect(await networkLeftovers(s)).toEqual(NOTHING_LEFT);
}, 90_000);
