// The CNI runner with Debian's real plugins (bridge, host-local, portmap, loopback). The test thread
// moves into a network namespace of its own first, so the bridge and iptables rules live there and
// vanish with it; host-local keeps its allocations under the test's temp dir.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCniNetwork, type CniNetworkList } from '../src/cri/cni-config.js';
import { CniError, CniRunner, podIp, writeDefaultConf, type CniAttachment } from '../src/cri/cni.js';
import { removeTree, tempDir } from './support/temp.js';
import { enterPrivateNetns, inNetnsOf } from './cri-netns.js';

jest.setTimeout(60_000);

const BIN = '/usr/lib/cni';

/** A process holding a fresh network namespace for a pod; /proc/PID/ns/net is its path. */
function podNetns(): Promise<ChildProcess> {
  const child = spawn('unshare', ['-n', 'sleep', 'infinity'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => {
      // unshare execs sleep after unsharing: wait until the pid's netns differs from ours.
      const mine = fs.readlinkSync('/proc/thread-self/ns/net');
      const poll = () => {
        try {
          if (fs.readlinkSync(`/proc/${child.pid}/ns/net`) !== mine && fs.readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim() === 'sleep') return resolve(child);
        } catch {
          return reject(new Error('netns holder exited'));
        }
        setImmediate(poll);
      };
      poll();
    });
  });
}

const inNetns = inNetnsOf;

describe('CNI plugins through the runner', () => {
  let dir: string;
  let leaveNetns: (() => void) | undefined;
  let runner: CniRunner;
  let net: CniNetworkList;
  const holders: ChildProcess[] = [];

  beforeAll(() => {
    dir = tempDir('cri-cni-');
    leaveNetns = enterPrivateNetns();
    const confDir = path.join(dir, 'net.d');
    fs.mkdirSync(confDir);
    fs.writeFileSync(
      path.join(confDir, '10-test.conflist'),
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'critest',
        plugins: [
          { type: 'bridge', bridge: 'critest0', isGateway: true, ipam: { type: 'host-local', ranges: [[{ subnet: '10.123.7.0/24' }]], dataDir: path.join(dir, 'ipam') } },
          { type: 'portmap', capabilities: { portMappings: true } },
        ],
      }),
    );
    const loaded = loadCniNetwork(confDir, BIN);
    if (!('network' in loaded)) throw new Error(loaded.error);
    net = loaded.network;
    runner = new CniRunner(BIN, path.join(dir, 'cache'));
  });

  afterAll(() => {
    for (const h of holders) h.kill('SIGKILL');
    leaveNetns?.();
    if (dir) removeTree(dir);
  });

  const attachment = (id: string, pid: number): CniAttachment => ({
    id,
    netns: `/proc/${pid}/ns/net`,
    ifName: 'eth0',
    args: { K8S_POD_NAMESPACE: 'default', K8S_POD_NAME: id, K8S_POD_INFRA_CONTAINER_ID: id },
    capabilities: { portMappings: [{ hostPort: 18080, containerPort: 80, protocol: 'tcp', hostIP: '' }] },
  });

  test('ADD gives the pod eth0 with an address from host-local; DEL frees it and is idempotent', async () => {
    const holder = await podNetns();
    holders.push(holder);
    const a = attachment('pod-a', holder.pid as number);
    const res = await runner.add(net, a);
    const ip = podIp(res);
    expect(ip).toMatch(/^10\.123\.7\.\d+$/);
    expect(inNetns(holder.pid as number, ['ip', '-4', '-o', 'addr', 'show', 'eth0'])).toContain(`${ip}/24`);
    expect(fs.existsSync(path.join(dir, 'ipam', 'critest', ip as string))).toBe(true);
    expect(runner.cached('pod-a')?.result.ips?.[0]?.address).toBe(`${ip}/24`);
    // The loopback plugin on its own for lo, as a sandbox set-up runs it.
    const lo = await runner.add({ file: '', name: 'cni-loopback', cniVersion: '1.0.0', types: ['loopback'], raw: { cniVersion: '1.0.0', name: 'cni-loopback', type: 'loopback' } }, { ...a, id: 'pod-a-lo', ifName: 'lo' });
    expect(lo).toBeDefined();
    expect(inNetns(holder.pid as number, ['ip', '-o', 'link', 'show', 'lo'])).toMatch(/UP|UNKNOWN/);
    // CHECK through the bridge (Debian's portmap CHECK insists on ip6tables chains it never made).
    const plugins = net.raw['plugins'] as object[];
    await runner.check({ ...net, types: ['bridge'], raw: { ...net.raw, plugins: [plugins[0]] } }, a);

    await runner.del(net, a);
    expect(fs.existsSync(path.join(dir, 'ipam', 'critest', ip as string))).toBe(false);
    expect(runner.cached('pod-a')).toBeUndefined();
    await expect(runner.del(net, a)).resolves.toBeUndefined();
  });

  test('DEL after the pod netns is gone still releases the address', async () => {
    const holder = await podNetns();
    const a = attachment('pod-b', holder.pid as number);
    const ip = podIp(await runner.add(net, a)) as string;
    const exited = new Promise((r) => holder.once('exit', r));
    holder.kill('SIGKILL');
    await exited;
    await runner.del(net, { ...a, netns: '' });
    expect(fs.existsSync(path.join(dir, 'ipam', 'critest', ip))).toBe(false);
  });

  test('a failing plugin reports its CNI error, and what ADD set up is torn down', async () => {
    const holder = await podNetns();
    holders.push(holder);
    const bad: CniNetworkList = { ...net, raw: { ...net.raw, plugins: [(net.raw['plugins'] as object[])[0], { type: 'portmap', capabilities: { portMappings: true }, snat: 'not-a-bool' }] } };
    const err = await runner.add(bad, attachment('pod-c', holder.pid as number)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CniError);
    expect((err as CniError).message).toMatch(/^cni plugin portmap failed \(ADD\): /);
    expect(fs.readdirSync(path.join(dir, 'ipam', 'critest')).filter((n) => /^10\./.test(n))).toEqual([]);
    expect(runner.cached('pod-c')).toBeUndefined();
    const missing = await runner.add({ ...net, types: ['no-such-plugin'], raw: { cniVersion: '1.0.0', name: 'x', type: 'no-such-plugin' } }, attachment('pod-d', holder.pid as number)).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/cni plugin no-such-plugin failed \(ADD\): spawn .*ENOENT/);
  });

  test('ids are validated before a cache path is built', async () => {
    await expect(runner.add(net, attachment('../escape', 1))).rejects.toThrow(/identifier must match/);
  });

  test('a default bridge conf is written only into an empty conf dir, and loads', () => {
    const conf = path.join(dir, 'default.d');
    const file = writeDefaultConf(conf, { bridge: 'cni0', subnet: '10.88.0.0/16' });
    expect(file).toBe(path.join(conf, '10-containerd-ts-net.conflist'));
    const loaded = loadCniNetwork(conf, BIN);
    expect('network' in loaded && loaded.network.types).toEqual(['bridge', 'portmap']);
    expect(writeDefaultConf(conf, { bridge: 'cni0', subnet: '10.88.0.0/16' })).toBeUndefined();
    expect(fs.readdirSync(conf)).toEqual(['10-containerd-ts-net.conflist']);
  });
});
