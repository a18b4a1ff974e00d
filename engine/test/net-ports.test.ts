// Published ports end to end through engined and the CLI (daemons in the test's own network
// namespace): the canonical `run -d -p 8080:80 -v data:/www` httpd, `port`, `ps`, inspect, a port
// in use, stop/restart, -P, and what is left after rm, a failed start and a kill -9 of engined.
import { answers, fetchPage, inspectJson, networkLeftovers, NOTHING_LEFT } from './support/net-checks.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
}, 180_000);

afterAll(async () => {
  await s?.cleanup();
});

interface Inspected {
  Id: string;
  State: { Running: boolean; Status: string; Error: string };
  NetworkSettings: { Ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null>; SandboxKey: string; IPAddress: string; Gateway: string; Networks: Record<string, { IPAddress: string }> };
  HostConfig: { NetworkMode: string };
}

test('the canonical command: busybox httpd serves a page from the volume on 127.0.0.1:8080 and the host address', async () => {
  const run = await s.engine(['run', '-d', '-p', '8080:80', '-v', 'data:/www', '-e', 'K=V', '--name', 'web', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/www']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect((await s.engine(['exec', 'web', 'sh', '-c', 'echo hello > /www/index.html'])).code).toBe(0);
  expect(await fetchPage(s, 'http://127.0.0.1:8080/')).toBe('hello\n');
  expect(await fetchPage(s, `http://${s.hostAddress}:8080/`)).toBe('hello\n');
  expect(await fetchPage(s, `http://${s.hostAddress}:8080/`, { from: 'client' })).toBe('hello\n');
  expect((await s.engine(['exec', 'web', 'sh', '-c', 'echo $K'])).stdout).toBe('V\n');

  expect((await s.engine(['port', 'web'])).stdout).toBe('80/tcp -> 0.0.0.0:8080\n');
  expect((await s.engine(['port', 'web', '80'])).stdout).toBe('0.0.0.0:8080\n');
  const none = await s.engine(['port', 'web', '81/udp']);
  expect(none.code).toBe(1);
  expect(none.stderr).toMatch(/No public port '81\/udp' published for web/);
  expect((await s.engine(['ps', '--format', '{{.Names}} {{.Ports}}'])).stdout).toContain('web 0.0.0.0:8080->80/tcp');

  const ins = await inspectJson<Inspected>(s, 'container', 'web');
  expect(ins.HostConfig.NetworkMode).toBe('bridge');
  expect(ins.NetworkSettings.Ports['80/tcp']).toEqual([{ HostIp: '0.0.0.0', HostPort: '8080' }]);
  expect(ins.NetworkSettings.SandboxKey).toBe(`${s.execRoot}/network/netns/${ins.Id}`);
  expect(ins.NetworkSettings.IPAddress).toMatch(/^172\.17\.0\.\d+$/);
  expect(ins.NetworkSettings.Gateway).toBe('172.17.0.1');
  expect(ins.NetworkSettings.Networks.bridge?.IPAddress).toBe(ins.NetworkSettings.IPAddress);
  // The container's own files come from networking: its address and hostname, the host's resolvers.
  const hosts = await s.engine(['exec', 'web', 'cat', '/etc/hosts']);
  expect(hosts.stdout).toContain(`${ins.NetworkSettings.IPAddress}\t${ins.Id.slice(0, 12)}`);
}, 120_000);

test('a host port already in use: 409, the container is not left running, nothing half-made', async () => {
  const before = await networkLeftovers(s);
  const r = await s.engine(['run', '-d', '-p', '8080:80', '--name', 'clash', 'busybox', 'httpd', '-f', '-p', '80']);
  expect(r.code).toBe(125);
  expect(r.stderr).toMatch(/listen tcp4 0\.0\.0\.0:8080: bind: address already in use/);
  const ins = await inspectJson<Inspected>(s, 'container', 'clash');
  expect(ins.State).toMatchObject({ Running: false, Status: 'created' });
  expect(ins.State.Error).toMatch(/address already in use/);
  const api = await s.api('POST', `/v1.41/containers/${ins.Id}/start`);
  expect(api.status).toBe(409);
  expect(await networkLeftovers(s)).toEqual(before);
  expect(await fetchPage(s, 'http://127.0.0.1:8080/')).toBe('hello\n');
  expect((await s.engine(['rm', 'clash'])).code).toBe(0);
  // The same on a specific address, and a bad spec never reaches the daemon.
  const bad = await s.engine(['run', '-d', '-p', '8080:99999', 'busybox', 'true']);
  expect(bad.code).toBe(125);
  expect(bad.stderr).toMatch(/Invalid containerPort: 99999/);
}, 60_000);

test('stop releases the published ports, start binds them again; -P publishes exposed ports', async () => {
  expect((await s.engine(['stop', '-t', '1', 'web'])).code).toBe(0);
  expect(await answers(s, 'http://127.0.0.1:8080/')).toBe(false);
  expect(await networkLeftovers(s)).toEqual(NOTHING_LEFT);
  expect((await inspectJson<Inspected>(s, 'container', 'web')).NetworkSettings.Ports).toEqual({});
  expect((await s.engine(['start', 'web'])).code).toBe(0);
  expect(await fetchPage(s, 'http://127.0.0.1:8080/')).toBe('hello\n');

  const all = await s.engine(['run', '-d', '-P', '--expose', '81', '--expose', '82/udp', '--name', 'pall', 'busybox', 'sh', '-c', 'echo from81 > /tmp/index.html; httpd -f -p 81 -h /tmp']);
  expect(all.code).toBe(0);
  const line = (await s.engine(['port', 'pall', '81'])).stdout.trim();
  expect(line).toMatch(/^0\.0\.0\.0:\d+$/);
  expect(await fetchPage(s, `http://127.0.0.1:${line.split(':')[1]}/`)).toBe('from81\n');
  expect((await s.engine(['port', 'pall'])).stdout).toMatch(/^81\/tcp -> 0\.0\.0\.0:\d+\n82\/udp -> 0\.0\.0\.0:\d+\n$/);
  expect((await s.engine(['rm', '-f', 'pall'])).code).toBe(0);
}, 90_000);

test('a failed start releases what it took: ports, addresses, namespace', async () => {
  const r = await s.engine(['run', '-d', '-p', '9090:80', '--name', 'nocmd', 'busybox', 'no-such-command']);
  expect(r.code).toBe(127);
  expect((await networkLeftovers(s)).sandboxes).toEqual([(await inspectJson<Inspected>(s, 'container', 'web')).Id]);
  expect(await answers(s, 'http://127.0.0.1:9090/')).toBe(false);
  expect((await s.engine(['rm', 'nocmd'])).code).toBe(0);
}, 60_000);

test('kill -9 of engined (and of the proxy): published ports keep working, and come back with the daemon', async () => {
  // A clean stop leaves the proxy (a detached process of its own) serving too.
  await s.stopEngined('SIGTERM');
  expect(await fetchPage(s, 'http://127.0.0.1:8080/')).toBe('hello\n');
  await s.startEngined();
  await s.stopEngined('SIGKILL');
  // The proxy outlives the daemon: loopback keeps serving while engined is down.
  expect(await fetchPage(s, 'http://127.0.0.1:8080/')).toBe('hello\n');
  s.killProxy();
  await s.startEngined();
  expect(await fetchPage(s, 'http://127.0.0.1:8080/')).toBe('hello\n');
  expect(await fetchPage(s, `http://${s.hostAddress}:8080/`, { from: 'client' })).toBe('hello\n');
  // A container that died while the daemon was down loses its networking at the restart.
  expect((await s.engine(['run', '-d', '-p', '9091:80', '--name', 'brief', 'busybox', 'sleep', '3600'])).code).toBe(0);
  const pid = (await inspectJson<{ State: { Pid: number } }>(s, 'container', 'brief')).State.Pid;
  await s.stopEngined('SIGKILL');
  process.kill(pid, 'SIGKILL');
  await s.startEngined();
  await waitFor(async () => !(await inspectJson<Inspected>(s, 'container', 'brief')).State.Running, 15_000, 'brief seen as exited');
  const web = await inspectJson<Inspected>(s, 'container', 'web');
  expect((await networkLeftovers(s)).sandboxes).toEqual([web.Id]);
  expect(await answers(s, 'http://127.0.0.1:9091/')).toBe(false);
  expect((await s.engine(['rm', 'brief'])).code).toBe(0);
  // rm of the last one: no veth, rule, namespace, proxy binding or address is left.
  expect((await s.engine(['rm', '-f', 'web'])).code).toBe(0);
  expect(await networkLeftovers(s)).toEqual(NOTHING_LEFT);
}, 120_000);
