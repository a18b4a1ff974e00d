// A private world for one networking test file: a network namespace that plays the host (with a
// "host address" on a dummy link), a NetworkManager working in it, busybox containers run by
// runc-ts, and a cleanup that removes containers, cgroups, namespaces and temp dirs even after a
// failure. Nothing here touches the machine's own network: traffic goes to the test namespace's
// loopback and addresses, or to the test's containers.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBusyboxImage, makeBundle, runCommand, type BuiltImage } from '@stack/tools';
import { NetworkManager, type AttachResult, type NetworkManagerOptions } from '../../../src/network/index.js';

export const RUNC_TS = path.resolve(__dirname, '../../../../../runc-ts/bin/runc-ts');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

interface SpecShape {
  hostname?: string;
  mounts: { destination: string; type: string; source: string; options?: string[] }[];
  linux: { cgroupsPath?: string; namespaces: { type: string; path?: string }[] };
}

export class NetTestBed {
  readonly tag = randomBytes(3).toString('hex');
  readonly tmp: string;
  readonly netnsName: string;
  readonly hostNetns: string;
  /** An address of the test's "host", outside every container subnet. */
  readonly hostAddress: string;
  /** Another machine on the host's LAN (a namespace of the test's), and its address. */
  readonly clientNetnsName: string;
  readonly clientAddress: string;
  readonly stateDir: string;
  readonly runDir: string;
  readonly runcRoot: string;
  readonly cgroupParent: string;
  private image?: BuiltImage;
  private managers: NetworkManager[] = [];
  private calls = 0;

  /** `octet`: the test file's own 10.<octet>.x.x block, for readable addresses. */
  constructor(
    readonly name: string,
    readonly octet: number,
  ) {
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), `net-${name}-`));
    fs.chmodSync(this.tmp, 0o755);
    this.netnsName = `entest-${name}-${this.tag}`;
    this.hostNetns = `/run/netns/${this.netnsName}`;
    this.hostAddress = `10.${octet}.250.1`;
    this.clientNetnsName = `${this.netnsName}-c`;
    this.clientAddress = `10.${octet}.250.2`;
    this.stateDir = path.join(this.tmp, 'state');
    this.runDir = path.join(this.tmp, 'run');
    this.runcRoot = path.join(this.tmp, 'runc');
    this.cgroupParent = `/net-test-${this.tag}`;
  }

  async init(): Promise<void> {
    must(spawnSync('ip', ['netns', 'add', this.netnsName]));
    this.host(['ip', 'link', 'set', 'lo', 'up']);
    // The host's "LAN": a veth to a client namespace that plays another machine.
    must(spawnSync('ip', ['netns', 'add', this.clientNetnsName]));
    this.host(['ip', 'link', 'add', 'hostif0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.clientNetnsName]);
    this.host(['ip', 'addr', 'add', `${this.hostAddress}/24`, 'dev', 'hostif0']);
    this.host(['ip', 'link', 'set', 'hostif0', 'up']);
    this.client(['ip', 'link', 'set', 'lo', 'up']);
    this.client(['ip', 'addr', 'add', `${this.clientAddress}/24`, 'dev', 'eth0']);
    this.client(['ip', 'link', 'set', 'eth0', 'up']);
    this.client(['ip', 'route', 'add', 'default', 'via', this.hostAddress]);
    fs.writeFileSync(path.join(this.tmp, 'host-resolv.conf'), `nameserver 127.0.0.53\nnameserver 10.${this.octet}.250.53\n`);
    this.image = await buildBusyboxImage({ outDir: path.join(this.tmp, 'image') });
  }

  options(extra: Partial<NetworkManagerOptions> = {}): NetworkManagerOptions {
    return {
      stateDir: this.stateDir,
      runDir: this.runDir,
      hostNetns: this.hostNetns,
      hostResolvConf: path.join(this.tmp, 'host-resolv.conf'),
      defaultBridge: { subnet: `10.${this.octet}.0.0/24`, device: `en${this.tag}` },
      ...extra,
    };
  }

  /** A manager on this bed's dirs, not yet recovered (closed and purged at cleanup). */
  open(extra: Partial<NetworkManagerOptions> = {}): NetworkManager {
    const m = NetworkManager.open(this.options(extra));
    this.managers.push(m);
    return m;
  }

  /** A manager as a (re)started daemon would have it, recovered with `live` running containers. */
  async manager(live: string[] = [], extra: Partial<NetworkManagerOptions> = {}): Promise<NetworkManager> {
    const m = this.open(extra);
    const report = await m.recover(live);
    if (report.problems.length > 0) throw new Error(`recovery problems: ${report.problems.join('; ')}`);
    return m;
  }

  /** Runs a command in the test's host namespace (synchronously: nothing in-process must answer it). */
  host(argv: string[], opts: { allowFail?: boolean; timeoutMs?: number } = {}): Result {
    const r = toResult(spawnSync('nsenter', [`--net=${this.hostNetns}`, '--', ...argv], { encoding: 'utf8', timeout: opts.timeoutMs ?? 30_000 }));
    if (!opts.allowFail && r.code !== 0) throw new Error(`${argv.join(' ')} (in ${this.netnsName}) failed: ${r.code} ${r.stderr}`);
    return r;
  }

  /** A long-running program in the test's host namespace (the caller kills it). */
  hostBackground(argv: string[]): ChildProcess {
    return spawn('nsenter', [`--net=${this.hostNetns}`, '--', ...argv], { stdio: 'ignore' });
  }

  /** Runs a command on the client machine. */
  client(argv: string[], opts: { allowFail?: boolean; timeoutMs?: number } = {}): Result {
    const r = toResult(spawnSync('ip', ['netns', 'exec', this.clientNetnsName, ...argv], { encoding: 'utf8', timeout: opts.timeoutMs ?? 30_000 }));
    if (!opts.allowFail && r.code !== 0) throw new Error(`${argv.join(' ')} (on the client) failed: ${r.code} ${r.stderr}`);
    return r;
  }

  clientAsync(argv: string[], timeoutMs = 30_000): Promise<Result> {
    return runAsync(['ip', 'netns', 'exec', this.clientNetnsName, ...argv], timeoutMs);
  }

  /** The same, without blocking the event loop (when the in-process DNS or proxy must answer). */
  hostAsync(argv: string[], timeoutMs = 30_000): Promise<Result> {
    return runAsync(['nsenter', `--net=${this.hostNetns}`, '--', ...argv], timeoutMs);
  }

  /** Starts a detached busybox container in the attached namespace, with the attach's files mounted. */
  async run(id: string, args: string[], net: AttachResult, setup?: (rootfs: string) => void): Promise<void> {
    const dir = path.join(this.tmp, `bundle-${id}`);
    const b = await makeBundle({ image: this.image!, bundleDir: dir, args, hostname: net.hostname });
    setup?.(b.rootfs);
    const spec = JSON.parse(fs.readFileSync(b.configPath, 'utf8')) as SpecShape;
    spec.linux.cgroupsPath = `${this.cgroupParent}/${id}`;
    spec.linux.namespaces = spec.linux.namespaces.map((ns) => (ns.type === 'network' ? { type: 'network', path: net.netnsPath } : ns));
    for (const [dest, source] of [
      ['/etc/hosts', net.hostsPath],
      ['/etc/resolv.conf', net.resolvConfPath],
      ['/etc/hostname', net.hostnamePath],
    ] as const) {
      spec.mounts.push({ destination: dest, type: 'bind', source, options: ['rbind', 'rw'] });
    }
    fs.writeFileSync(b.configPath, JSON.stringify(spec, null, 2));
    const r = this.runc(['run', '-d', '--bundle', dir, id]);
    if (r.code !== 0) throw new Error(`runc-ts run ${id} failed: ${r.stderr}`);
  }

  /** `runc-ts exec` in a container; async so the in-process DNS can answer meanwhile. */
  exec(id: string, argv: string[], timeoutMs = 30_000): Promise<Result> {
    return runAsync([RUNC_TS, '--root', this.runcRoot, 'exec', id, ...argv], timeoutMs);
  }

  kill(id: string): void {
    this.runc(['kill', id, 'KILL']);
    for (let i = 0; i < 100; i++) {
      const state = this.runc(['state', id]);
      if (state.code !== 0 || state.stdout.includes('"stopped"')) break;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
    this.runc(['delete', '--force', id]);
  }

  /** Output through files: a detached container inherits runc-ts's stdio and would hold a pipe open. */
  runc(args: string[]): Result {
    const out = path.join(this.tmp, `out-${++this.calls}`);
    const outFd = fs.openSync(out, 'w');
    const errFd = fs.openSync(`${out}.err`, 'w');
    let r: SpawnSyncReturns<Buffer>;
    try {
      r = spawnSync(RUNC_TS, ['--root', this.runcRoot, ...args], { stdio: ['ignore', outFd, errFd], timeout: 60_000 });
    } finally {
      fs.closeSync(outFd);
      fs.closeSync(errFd);
    }
    const result = { code: r.status ?? 128, stdout: fs.readFileSync(out, 'utf8'), stderr: fs.readFileSync(`${out}.err`, 'utf8') };
    fs.rmSync(out);
    fs.rmSync(`${out}.err`);
    return result;
  }

  /** What networking left in the test's host namespace: links of ours, rule lines, netns files. */
  leftovers(): { links: string[]; rules: string[]; netnsFiles: string[]; mounts: string[] } {
    const links = this.host(['ip', '-o', 'link', 'show'])
      .stdout.split('\n')
      .map((l) => l.split(': ')[1]?.split('@')[0] ?? '')
      .filter((n) => n.startsWith('ve-'));
    const rules = this.host(['iptables-save'])
      .stdout.split('\n')
      .filter((l) => l.startsWith('-A ENGINE-') && (l.includes('DNAT --to') || l.includes('comment')));
    const netnsDir = path.join(this.runDir, 'netns');
    const netnsFiles = fs.existsSync(netnsDir) ? fs.readdirSync(netnsDir) : [];
    const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(this.tmp));
    return { links, rules, netnsFiles, mounts };
  }

  async cleanup(): Promise<void> {
    if (fs.existsSync(this.runcRoot)) for (const id of fs.readdirSync(this.runcRoot)) this.runc(['delete', '--force', id]);
    const last = this.managers[this.managers.length - 1];
    for (const m of this.managers) m.close();
    try {
      // Everything networking made (and the port proxy) goes, whatever the test left.
      await (last ?? NetworkManager.open(this.options())).purge();
    } finally {
      removeCgroups(this.cgroupParent);
      spawnSync('ip', ['netns', 'del', this.netnsName]);
      spawnSync('ip', ['netns', 'del', this.clientNetnsName]);
      for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
        const mountPoint = line.split(' ')[4];
        if (mountPoint?.startsWith(this.tmp)) spawnSync('umount', ['-l', mountPoint]);
      }
      fs.rmSync(this.tmp, { recursive: true, force: true });
    }
  }
}

function toResult(r: SpawnSyncReturns<string>): Result {
  return { code: r.status ?? 128, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

function must(r: SpawnSyncReturns<Buffer | string>): void {
  if (r.status !== 0) throw new Error(`command failed: ${String(r.stderr)}`);
}

/** A command with no stdin (a tool that never reads one would otherwise meet EPIPE). */
export function runAsync(argv: string[], timeoutMs: number): Promise<Result> {
  return runCommand(argv[0]!, argv.slice(1), { timeoutMs, input: null });
}

function removeCgroups(parent: string): void {
  if (!fs.existsSync('/sys/fs/cgroup')) return;
  for (const h of fs.readdirSync('/sys/fs/cgroup')) {
    const dir = path.join('/sys/fs/cgroup', h, parent);
    if (!fs.existsSync(dir)) continue;
    for (const c of fs.readdirSync(dir, { withFileTypes: true })) if (c.isDirectory()) rmCgroup(path.join(dir, c.name));
    rmCgroup(dir);
  }
}

function rmCgroup(dir: string): void {
  try {
    for (const pid of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
  } catch {
    // no procs file
  }
  for (let i = 0; i < 100; i++) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}
