// Issue 14's validation and settings lists side by side with Debian's dockerd 20.10: the same API
// requests (status code and message), and the same `run` lines in real containers (what the process
// sees: its groups, sysctls, devices, namespaces, /dev/shm, mounts) through the engine CLI on our
// side and the docker CLI on dockerd's; inspect's HostConfig and Mounts compared whole.
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startReferenceContainerd, startReferenceDockerd, type ReferenceContainerd, type ReferenceDockerd } from '@stack/tools';
import { startBesideDockerd, type BesideDockerd } from './support/beside-dockerd.js';
import type { Stack } from './support/stack.js';

jest.setTimeout(240_000);

let s: Stack;
let side: BesideDockerd;
let dockerd: ReferenceDockerd;
type Run = (args: readonly string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
let sides: Array<{ name: string; run: Run; socket: string; dataRoot: string }>;
const NAMES = ['tgt', 'donor', 'priv', 'vsrc', 'web', 'lchild', 'lchild2', 'lpar'];

beforeAll(async () => {
  side = await startBesideDockerd();
  ({ s, dockerd } = side);
  sides = [
    { name: 'dockerd', run: (a) => dockerd.docker(a), socket: new URL(dockerd.host).pathname, dataRoot: `${dockerd.dir}/data` },
    { name: 'engined', run: (a) => s.engine(a), socket: s.socket, dataRoot: s.dataRoot },
  ];
  for (const x of sides) {
    const r = await x.run(['run', '-d', '--name', 'tgt', '--network', 'none', 'busybox', 'sleep', '1000']);
    if (r.code !== 0) throw new Error(`${x.name}: ${r.stderr}`);
  }
}, 240_000);

afterAll(async () => {
  for (const n of NAMES) await s?.engine(['rm', '-f', n]).catch(() => undefined);
  await side?.stop(NAMES);
}, 90_000);

function request(socket: string, method: string, urlPath: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) };
    const req = http.request({ socketPath: socket, method, path: `/v1.41${urlPath}`, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Status and message (or just the status for a success), container IDs and data roots made alike. */
async function answer(x: (typeof sides)[number], method: string, urlPath: string, body?: string): Promise<string> {
  const r = await request(x.socket, method, urlPath, body);
  if (r.status < 300) return String(r.status);
  const message = (JSON.parse(r.body) as { message: string }).message;
  return `${r.status} ${normalize(message, x.dataRoot)}`;
}

function normalize(text: string, dataRoot: string): string {
  return text.split(dataRoot).join('<root>').replace(/[0-9a-f]{64}/g, '<id>');
}

const create = (host: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ Image: 'busybox', Cmd: ['true'], ...extra, HostConfig: { NetworkMode: 'none', ...host } });

test.each([
  ['--link to a missing container', 'POST', '/containers/create', create({ Links: ['nope:alias'] })],
  ['--link bad format', 'POST', '/containers/create', create({ Links: ['a:b:c'] })],
  ['--link empty', 'POST', '/containers/create', create({ Links: [''] })],
  ['--link with host networking', 'POST', '/containers/create', create({ NetworkMode: 'host', Links: ['tgt:al'] })],
  ['--volumes-from a missing container', 'POST', '/containers/create', create({ VolumesFrom: ['nope'] })],
  ['--volumes-from bad mode', 'POST', '/containers/create', create({ VolumesFrom: ['tgt:bad'] })],
  ['--volumes-from empty', 'POST', '/containers/create', create({ VolumesFrom: [''] })],
  ['platform not matching the image', 'POST', '/containers/create?platform=linux/arm64', create({})],
  ['platform windows', 'POST', '/containers/create?platform=windows', create({})],
  ['platform invalid', 'POST', '/containers/create?platform=bogus', create({})],
  ['platform bad component', 'POST', '/containers/create?platform=linux/x:y', create({})],
  ['platform matching', 'POST', '/containers/create?platform=linux', create({})],
  ['pull with an invalid platform', 'POST', '/images/create?fromImage=busybox&tag=latest&platform=bogus', ''],
  ['Memory 1e30', 'POST', '/containers/create', create({ Memory: 1e30 }).replace('1e+30', '1e30')],
  ['Memory with a fraction', 'POST', '/containers/create', '{"Image":"busybox","Cmd":["true"],"HostConfig":{"NetworkMode":"none","Memory":1.5e9}}'],
  ['CpuShares 1e30', 'POST', '/containers/create', '{"Image":"busybox","Cmd":["true"],"HostConfig":{"NetworkMode":"none","CpuShares":1e30}}'],
  ['BlkioWeight beyond uint16', 'POST', '/containers/create', create({ BlkioWeight: 70000 })],
  ['Memory at the int64 limit', 'POST', '/containers/create', '{"Image":"busybox","Cmd":["true"],"HostConfig":{"NetworkMode":"none","Memory":9223372036854775807}}'],
  ['Cmd [""]', 'POST', '/containers/create', create({}, { Cmd: [''] })],
  ['MemorySwappiness out of range', 'POST', '/containers/create', create({ MemorySwappiness: 101 })],
  ['BlkioWeight out of range', 'POST', '/containers/create', create({ BlkioWeight: 5 })],
  ['an unknown runtime', 'POST', '/containers/create', create({ Runtime: 'kata' })],
  ['hyperv isolation', 'POST', '/containers/create', create({ Isolation: 'hyperv' })],
  ['OomScoreAdj out of range', 'POST', '/containers/create', create({ OomScoreAdj: 5000 })],
  ['IpcMode container: missing', 'POST', '/containers/create', create({ IpcMode: 'container:nope' })],
  ['PidMode container: missing', 'POST', '/containers/create', create({ PidMode: 'container:nope' })],
  ['volume create without a body', 'POST', '/volumes/create', ''],
  ['volume create with a bad name', 'POST', '/volumes/create', '{"Name":"a/b"}'],
  ['image name uppercase', 'POST', '/containers/create', create({}, { Image: 'UPPER/case' })],
  ['image name bad separator', 'POST', '/containers/create', create({}, { Image: 'a___b' })],
  ['image name short digest', 'POST', '/containers/create', create({}, { Image: 'busybox@sha256:abc' })],
  ['image sha256:x', 'POST', '/containers/create', create({}, { Image: 'sha256:x' })],
  ['tag as sha256:x', 'POST', '/images/busybox/tag?repo=sha256:x', ''],
  ['tag as sha256', 'POST', '/images/busybox/tag?repo=sha256', ''],
  ['tag uppercase repository', 'POST', '/images/busybox/tag?repo=UPPER/case', ''],
  ['tag with a bad tag', 'POST', '/images/busybox/tag?repo=ok&tag=a:b', ''],
  ['tag with a 64-hex name', 'POST', `/images/busybox/tag?repo=${'0'.repeat(64)}`, ''],
  ['tag with a digest', 'POST', `/images/busybox/tag?repo=x@sha256:${'a'.repeat(64)}`, ''],
  ['tag without a repository', 'POST', '/images/busybox/tag', ''],
  ['resize without sizes', 'POST', '/containers/tgt/resize', undefined],
  ['resize of a container without a TTY', 'POST', '/containers/tgt/resize?h=10&w=20', undefined],
  ['a bind of the data root as private', 'POST', '/containers/create', create({ Binds: ['/tmp:/t:private'] })],
])('%s: as dockerd answers', async (_what, method, urlPath, body) => {
  const [ref, ours] = await Promise.all(sides.map((x) => answer(x, method, urlPath, body === '' && method === 'POST' && !urlPath.startsWith('/volumes') ? undefined : body)));
  expect(ours).toBe(ref);
});

test('a 300-character volume name: refused with a 400 naming the limit (dockerd: 500 with its host path)', async () => {
  const name = 'a'.repeat(300);
  const ref = await request(sides[0]!.socket, 'POST', '/volumes/create', JSON.stringify({ Name: name }));
  const ours = await request(s.socket, 'POST', '/volumes/create', JSON.stringify({ Name: name }));
  expect(ref.status).toBe(500);
  expect(ours.status).toBe(400);
  expect(ours.body).toContain('at most 255');
  expect(ours.body).not.toContain(s.dataRoot);
  expect(fs.readdirSync(`${s.dataRoot}/volumes`).some((d) => d.length > 255)).toBe(false);
});

test.each([
  ['Cmd [""] is created and fails at start', '{"Image":"busybox","Cmd":[""],"HostConfig":{"NetworkMode":"none"}}'],
  ['Memory at the int64 limit starts', '{"Image":"busybox","Cmd":["true"],"HostConfig":{"NetworkMode":"none","Memory":9223372036854775807}}'],
  ['CpuShares beyond the kernel maximum fails at start', '{"Image":"busybox","Cmd":["true"],"HostConfig":{"NetworkMode":"none","CpuShares":9223372036854775807}}'],
  ['PidsLimit at the int64 limit fails at start', '{"Image":"busybox","Cmd":["true"],"HostConfig":{"NetworkMode":"none","PidsLimit":9223372036854775807}}'],
])('%s, as under dockerd', async (_what, body) => {
  const out: string[] = [];
  for (const x of sides) {
    const c = await request(x.socket, 'POST', '/containers/create', body);
    const { Id } = JSON.parse(c.body) as { Id: string };
    const started = await request(x.socket, 'POST', `/containers/${Id}/start`);
    out.push(`${c.status} ${started.status} ${/exec: "": executable file not found in \$PATH/.test(started.body)}`);
    await request(x.socket, 'DELETE', `/containers/${Id}?force=1`);
  }
  expect(out[1]).toBe(out[0]);
});

/** The same run line on both sides: exit code, stdout and stderr (IDs and roots made alike). */
async function runBoth(args: readonly string[]): Promise<Array<{ code: number; out: string; err: string }>> {
  const out = [];
  for (const x of sides) {
    const r = await x.run(['run', '--rm', '--network', 'none', ...args]);
    out.push({ code: r.code, out: normalize(r.stdout, x.dataRoot), err: normalize(r.stderr, x.dataRoot).replace(/^time=.*level=error msg="error waiting for container: context canceled"\n?/m, '').replace(/^(docker|engine): /gm, '').replace(/\n*See '(docker|engine) run --help'.*\n?/s, '').replace(/\n*Run '(docker|engine) run --help' for more information\n?/s, '') });
  }
  return out;
}

test.each([
  ['--domainname, default sysctls, groups', ['--domainname', 'example.org', '-h', 'h1', 'busybox', 'sh', '-c', 'cat /proc/sys/kernel/domainname /proc/sys/net/ipv4/ping_group_range /proc/sys/net/ipv4/ip_unprivileged_port_start; grep Groups /proc/self/status; hostname']],
  ['--sysctl overrides a default', ['--sysctl', 'net.ipv4.ping_group_range=1 1', 'busybox', 'cat', '/proc/sys/net/ipv4/ping_group_range']],
  ['--group-add numbers and names', ['-u', '1000', '--group-add', '5', '--group-add', 'nogroup', 'busybox', 'grep', 'Groups', '/proc/self/status']],
  ['--group-add of a missing group', ['--group-add', 'nosuch', 'busybox', 'true']],
  ['--device with a path and permissions', ['--device', '/dev/null:/dev/mynull:r', '--device', '/dev/loop-control', 'busybox', 'sh', '-c', "stat -c '%F %t %T %a %n' /dev/mynull /dev/loop-control; grep -E '^c (1:3|10:237) ' /sys/fs/cgroup/devices/devices.list 2>/dev/null | sort"]],
  ['--device of a missing path', ['--device', '/dev/nope', 'busybox', 'true']],
  ['--device-cgroup-rule', ['--device-cgroup-rule', 'c 10:237 rw', 'busybox', 'sh', '-c', "grep -E '^c 10:237 ' /sys/fs/cgroup/devices/devices.list 2>/dev/null"]],
  ['--ipc host --pid host --uts host', ['--ipc', 'host', '--pid', 'host', '--uts', 'host', 'busybox', 'sh', '-c', 'readlink /proc/self/ns/ipc; readlink /proc/self/ns/pid; readlink /proc/self/ns/uts; hostname']],
  ['--pid with a bad mode (client check)', ['--pid', 'bogus', 'busybox', 'true']],
  ['--uts with a bad mode (client check)', ['--uts', 'bogus', 'busybox', 'true']],
  ['--device with a bad mode (client check)', ['--device', '/dev/null:/dev/x:rwz', 'busybox', 'true']],
  ['--link with a bad format (client check)', ['--link', 'a:b:c', 'busybox', 'true']],
  ['--ipc none has no /dev/shm', ['--ipc', 'none', 'busybox', 'sh', '-c', 'grep -c " /dev/shm " /proc/mounts']],
  ['--cgroupns private', ['--cgroupns', 'private', 'busybox', 'sh', '-c', 'grep -c ":/$" /proc/self/cgroup; [ "$(readlink /proc/self/ns/cgroup)" = "$(readlink /proc/1/ns/cgroup)" ] && echo own-ns']],
  ['--memory-swappiness', ['--memory-swappiness', '10', '-m', '64m', 'busybox', 'sh', '-c', 'cat /sys/fs/cgroup/memory/memory.swappiness 2>/dev/null || echo no-v1-memory']],
  ['--ipc private', ['--ipc', 'private', 'busybox', 'sh', '-c', 'grep " /dev/shm " /proc/mounts | cut -d" " -f3,4']],
])('%s: the container sees what it sees under dockerd', async (_what, args) => {
  const [ref, ours] = await runBoth(args);
  expect(ours).toEqual(ref);
});

test('--ipc shareable and container:, --pid container: — shared memory, namespaces and refusals as dockerd', async () => {
  const results: string[][] = [];
  for (const x of sides) {
    const lines: string[] = [];
    const note = (r: { code: number; stdout: string; stderr: string }) => lines.push(`${r.code} ${normalize(r.stdout, x.dataRoot).trim()} ${normalize(r.stderr, x.dataRoot).split('\n')[0]!.replace(/^(docker|engine): /, '')}`);
    note(await x.run(['run', '-d', '--name', 'donor', '--network', 'none', '--ipc', 'shareable', 'busybox', 'sh', '-c', 'echo hi > /dev/shm/x; sleep 1000']));
    lines.pop();
    note(await x.run(['run', '--rm', '--network', 'none', '--ipc', 'container:donor', '--pid', 'container:donor', 'busybox', 'sh', '-c', 'cat /dev/shm/x; ps -o comm | grep -c sleep; [ "$(readlink /proc/self/ns/ipc)" = "$(readlink /proc/1/ns/ipc)" ] && echo same-ipc']));
    note(await x.run(['inspect', '-f', '{{.HostConfig.IpcMode}} {{.HostConfig.PidMode}}', 'donor']));
    const joiner = await x.run(['create', '--network', 'none', '--ipc', 'container:donor', '--pid', 'container:donor', 'busybox', 'true']);
    note(await x.run(['inspect', '-f', '{{.HostConfig.IpcMode}} {{.HostConfig.PidMode}}', joiner.stdout.trim()]));
    await x.run(['rm', joiner.stdout.trim()]);
    note(await x.run(['run', '--rm', '--network', 'none', '--ipc', 'container:tgt', 'busybox', 'true']));
    note(await x.run(['stop', '-t', '0', 'donor']));
    note(await x.run(['run', '--rm', '--network', 'none', '--ipc', 'container:donor', 'busybox', 'true']));
    note(await x.run(['run', '--rm', '--network', 'none', '--pid', 'container:donor', 'busybox', 'true']));
    await x.run(['rm', '-f', 'donor']);
    results.push(lines);
  }
  expect(results[1]).toEqual(results[0]);
  expect(results[1]![0]).toMatch(/^0 hi\n\d+\nsame-ipc/);
  // The shareable /dev/shm is unmounted once its container stopped.
  expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(`${s.dataRoot}/containers`);
});

test('--volumes-from: the other container’s volumes and binds, read-only when asked', async () => {
  const results: string[] = [];
  for (const x of sides) {
    await x.run(['volume', 'create', 'vv']);
    const c = await x.run(['create', '--name', 'vsrc', '--network', 'none', '-v', 'vv:/data', '-v', '/anon', '-v', '/etc:/hostetc:ro', 'busybox', 'true']);
    expect(c.code).toBe(0);
    const rw = await x.run(['run', '--rm', '--network', 'none', '--volumes-from', 'vsrc', 'busybox', 'sh', '-c', 'grep -E " /(data|anon|hostetc) " /proc/mounts | cut -d" " -f2,4 | cut -d, -f1 | sort']);
    const ro = await x.run(['run', '--rm', '--network', 'none', '--volumes-from', 'vsrc:ro', 'busybox', 'sh', '-c', 'grep -E " /(data|anon|hostetc) " /proc/mounts | cut -d" " -f2,4 | cut -d, -f1 | sort']);
    results.push(`${rw.stdout}|${ro.stdout}`);
    await x.run(['rm', '-f', '-v', 'vsrc']);
    await x.run(['volume', 'rm', 'vv']);
  }
  expect(results[1]).toBe(results[0]);
  expect(results[1]).toBe('/anon rw\n/data rw\n/hostetc ro\n|/anon ro\n/data ro\n/hostetc ro\n');
});

test("inspect: HostConfig as dockerd fills it (IpcMode, MaskedPaths, ReadonlyPaths…) and mounts' propagation", async () => {
  const views: unknown[] = [];
  for (const x of sides) {
    const view = async (args: string[]) => {
      const r = await x.run(['create', '--network', 'none', ...args, 'busybox', 'true']);
      expect(r.stderr).toBe('');
      const id = r.stdout.trim();
      const hc = JSON.parse((await x.run(['inspect', '-f', '{{json .HostConfig}}', id])).stdout) as Record<string, unknown>;
      const mounts = JSON.parse((await x.run(['inspect', '-f', '{{json .Mounts}}', id])).stdout) as Array<{ Destination: string; Mode: string; RW: boolean; Propagation: string }>;
      await x.run(['rm', id]);
      // CLI-made fields the two clients fill differently (docker's sends its defaults for them).
      for (const k of ['Binds', 'Mounts', 'PortBindings', 'LogConfig', 'RestartPolicy', 'BlkioWeightDevice', 'BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps', 'Devices', 'DeviceCgroupRules', 'Dns', 'DnsOptions', 'DnsSearch', 'ExtraHosts', 'CapAdd', 'CapDrop', 'GroupAdd', 'Links', 'VolumesFrom', 'SecurityOpt', 'Tmpfs', 'Ulimits', 'ConsoleSize', 'Init', 'NanoCpus', 'PidsLimit', 'MemorySwappiness', 'OomKillDisable', 'KernelMemory', 'ContainerIDFile', 'DeviceRequests']) delete hc[k];
      return { hc, mounts: mounts.map((m) => [m.Destination, m.Mode, m.RW, m.Propagation]).sort() };
    };
    views.push([await view([]), await view(['--privileged']), await view(['--ipc', 'shareable', '--pid', 'host', '--uts', 'host']), await view(['-v', '/tmp:/t', '-v', '/etc:/e:ro', '-v', '/tmp:/t2:rshared', '--mount', 'type=bind,src=/etc,dst=/e2,bind-nonrecursive'])]);
  }
  expect(views[1]).toEqual(views[0]);
});

test("inspect's Links: /CHILD:/PARENT/ALIAS, following a rename of the linked container, as dockerd", async () => {
  const views: string[][] = [];
  for (const x of sides) {
    const out: string[] = [];
    await request(x.socket, 'POST', '/containers/create?name=lchild', create({}, { Cmd: ['sleep', '100'] }));
    const par = await request(x.socket, 'POST', '/containers/create?name=lpar', create({ Links: ['lchild:al', 'lchild'] }));
    expect(par.status).toBe(201);
    // Sorted: dockerd lists links from a Go map, in no fixed order.
    const links = async () => JSON.stringify((JSON.parse((await request(x.socket, 'GET', '/containers/lpar/json')).body) as { HostConfig: { Links: string[] } }).HostConfig.Links.sort());
    out.push(await links());
    await request(x.socket, 'POST', '/containers/lchild/rename?name=lchild2');
    out.push(await links());
    await request(x.socket, 'DELETE', '/containers/lchild2?force=1');
    await request(x.socket, 'DELETE', '/containers/lpar?force=1');
    views.push(out);
  }
  expect(views[1]).toEqual(views[0]);
  expect(views[1]![1]).toBe('["/lchild2:/lpar/al","/lchild2:/lpar/lchild"]');
});

/** Debian's dockerd with its default bridge, inside a network namespace of this test's own. */
async function withBridgedDockerd<T>(fn: (docker: Run) => Promise<T>): Promise<T> {
  const ns = `vtest-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  let ctd: ReferenceContainerd | undefined;
  let ref: ReferenceDockerd | undefined;
  try {
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    ctd = await startReferenceContainerd({ dir: path.join(s.dir, 'ref-bridged-containerd') });
    ref = await startReferenceDockerd({ containerdSocket: ctd.socket, dir: path.join(s.dir, 'ref-bridged-dockerd'), netns: `/run/netns/${ns}` });
    const loaded = await ref.docker(['load', '-i', s.busyboxArchive]);
    if (loaded.code !== 0) throw new Error(loaded.stderr);
    const docker = ref.docker;
    return await fn((a) => docker(a));
  } finally {
    try {
      await ref?.docker(['rm', '-f', 'web']).catch(() => undefined);
      await ref?.stop();
    } finally {
      try {
        await ctd?.stop();
      } finally {
        execFileSync('ip', ['netns', 'del', ns]);
      }
    }
  }
}

/** A link's variables and /etc/hosts lines, addresses and hostnames made alike. */
async function linked(run: Run): Promise<{ env: string[]; hosts: string[]; stopped: string; none: string }> {
  expect((await run(['run', '-d', '--name', 'web', '--expose', '80', '--expose', '81', '--expose', '53/udp', '--expose', '7000-7002', '-e', 'FOO=bar', 'busybox', 'sleep', '1000'])).code).toBe(0);
  const ip = (await run(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'web'])).stdout.trim();
  const host = (await run(['inspect', '-f', '{{.Config.Hostname}}', 'web'])).stdout.trim();
  const r = await run(['run', '--rm', '--name', 'par', '--link', 'web:db', '--add-host', 'x:1.2.3.4', 'busybox', 'sh', '-c', 'env | grep ^DB_ | sort; grep -v -e localhost -e ip6- /etc/hosts']);
  expect(r.stderr).toBe('');
  const alike = (l: string) => l.split(ip).join('<ip>').split(host).join('<host>');
  const lines = r.stdout.split('\n').map(alike);
  await run(['stop', '-t', '0', 'web']);
  const stopped = (await run(['run', '--rm', '--link', 'web', 'busybox', 'true'])).stderr.split('\n')[0]!.replace(/^(docker|engine): /, '').replace(/\/[a-z0-9_]+\//, '/<name>/');
  await run(['rm', '-f', 'web']);
  const n = await run(['run', '--rm', '--network', 'none', '--link', 'tgt:t', 'busybox', 'sh', '-c', 'env | grep -c ^T_ ; true']);
  const none = `${n.code} ${n.stdout.trim()} ${n.stderr.split('\n')[0]!.replace(/^(docker|engine): /, '')}`;
  return { env: lines.filter((l) => l.startsWith('DB_')), hosts: lines.filter((l) => l.includes('\t')).slice(0, 2), stopped, none };
}

test('--link on the default bridge: /etc/hosts and variables as dockerd writes them', async () => {
  const ref = await withBridgedDockerd(async (docker) => {
    expect((await docker(['run', '-d', '--name', 'tgt', '--network', 'none', 'busybox', 'sleep', '1000'])).code).toBe(0);
    return linked(docker);
  });
  const ours = await linked((a) => s.engine(a));
  expect(ours).toEqual(ref);
  expect(ours.env).toContain('DB_NAME=/par/db');
  expect(ours.env).toContain('DB_PORT_7000_TCP_PORT_END=7002');
  expect(ours.hosts).toEqual(['1.2.3.4\tx', '<ip>\tdb <host> web']);
  expect(ours.stopped).toBe('Error response from daemon: Cannot link to a non running container: /web AS /<name>/web.');
  // docker 20.10's client refuses --link with a --network that is not user-defined.
  expect(ours.none).toBe('125  links are only supported for user-defined networks.');
});
