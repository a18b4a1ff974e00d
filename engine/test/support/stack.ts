// A private stack for one test file: containerd-ts and engined on their own temp dirs, sockets and
// cgroup parent, inside a network namespace of the test's own that plays the host (so bridges,
// veths, iptables rules and published ports never touch the machine's network), the busybox test
// image loaded, and a cleanup that leaves no process (the port proxy included), mount, cgroup,
// namespace or directory behind even when a test failed.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProxyProcess } from '../../src/network/proxy/proxy-process.js';
import { forwardLoopbackPort } from './loopback-forward.js';
import { buildBusyboxImage, killShims as killShimsIn, pushOciLayout, removeCgroupTree, runCommand, type CommandResult, type Registry } from '@stack/tools';

const ROOT = path.resolve(__dirname, '../../../..');
export const ENGINE_BIN = path.join(ROOT, 'engine/bin/engine');
export const ENGINED_BIN = path.join(ROOT, 'engine/bin/engined');
/** As installed: the daemon's bundle when it is fresh (bin/containerd-ts). */
export const CONTAINERD_BIN = path.join(ROOT, 'containerd-ts/bin/containerd-ts');
export const DOCKER_CLI = '/usr/bin/docker';

export interface Stack {
  dir: string;
  dataRoot: string;
  socket: string;
  host: string;
  ctdSocket: string;
  /** The containerd namespace this engined uses. */
  containerdNamespace: string;
  cgroupParent: string;
  busyboxArchive: string;
  /** The daemons' network namespace (`ip netns` name and path): the test's "host". */
  netnsName: string;
  netnsPath: string;
  execRoot: string;
  /** The host's address on its LAN (a veth to `clientNetns`, which plays another machine). */
  hostAddress: string;
  clientNetnsName: string;
  clientAddress: string;
  /** Runs a command in the daemons' namespace (curl to a published port, ip, iptables-save…). */
  inHost(argv: readonly string[], opts?: { timeoutMs?: number }): Promise<CommandResult>;
  /** Runs a command on the LAN's other machine. */
  inClient(argv: readonly string[], opts?: { timeoutMs?: number }): Promise<CommandResult>;
  /** Kills the port proxy (as a reboot or a crash would). */
  killProxy(): void;
  /** Makes 127.0.0.1:port of the test (a registry fixture) answer at 127.0.0.1:port in the daemons' namespace too. */
  reachHostLoopback(port: number): Promise<void>;
  engine(args: readonly string[], opts?: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<CommandResult>;
  docker(args: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<CommandResult>;
  api(method: string, urlPath: string, body?: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>;
  startEngined(): Promise<void>;
  stopEngined(signal?: NodeJS.Signals): Promise<void>;
  startContainerd(): Promise<void>;
  stopContainerd(signal?: NodeJS.Signals): Promise<void>;
  logs(): string;
  /** Kills both daemons, the shims and every container, wipes the runtime state (a reboot's /run), and starts the daemons again. */
  simulateHostRestart(): Promise<void>;
  /** engined's pid while it runs. */
  enginedPid(): number | undefined;
  cleanup(): Promise<void>;
}

async function waitForSocket(file: string, child: ChildProcess, what: string, logs: () => string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (fs.existsSync(file)) return;
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}: ${logs()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} did not create ${file}: ${logs()}`);
}

function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

function sh(argv: readonly string[]): void {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
}

/** A namespace that plays the host, with a LAN veth to a second one that plays another machine. */
function makeHostNetns(name: string, client: string, octet: number): { hostAddress: string; clientAddress: string } {
  const hostAddress = `10.${octet}.250.1`;
  const clientAddress = `10.${octet}.250.2`;
  sh(['ip', 'netns', 'add', name]);
  sh(['ip', 'netns', 'add', client]);
  sh(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
  sh(['ip', '-n', client, 'link', 'set', 'lo', 'up']);
  sh(['ip', '-n', name, 'link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client]);
  sh(['ip', '-n', name, 'addr', 'add', `${hostAddress}/24`, 'dev', 'lan0']);
  sh(['ip', '-n', name, 'link', 'set', 'lan0', 'up']);
  sh(['ip', '-n', client, 'addr', 'add', `${clientAddress}/24`, 'dev', 'eth0']);
  sh(['ip', '-n', client, 'link', 'set', 'eth0', 'up']);
  sh(['ip', '-n', client, 'route', 'add', 'default', 'via', hostAddress]);
  return { hostAddress, clientAddress };
}

function killPidFile(file: string): void {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    if (pid > 0 && isProxyProcess(pid)) process.kill(pid, 'SIGKILL');
  } catch {
    // no proxy ran, or it is gone
  }
}

/**
 * Pushes the stack's busybox image to `registry` as `ref`, and relays the registry's loopback port
 * into the daemons' network namespace so engined can pull it from there.
 */
export async function serveBusybox(s: Stack, registry: Registry, ref: string): Promise<void> {
  await s.reachHostLoopback(Number(new URL(`http://${registry.host}`).port));
  await pushOciLayout(registry, path.join(s.dir, 'busybox-image'), ref);
}

export async function startStack(opts: { daemonJson?: Record<string, unknown>; loadBusybox?: boolean; /** A tmpfs of this size (mount's size=) as the data root, to fill up. */ dataRootSize?: string } = {}): Promise<Stack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-test-'));
  const tag = path.basename(dir).replace(/[^\w-]/g, '');
  const netnsName = `entest-${tag.slice(-8)}`;
  const netnsPath = `/run/netns/${netnsName}`;
  const clientNetnsName = `${netnsName}-c`;
  const execRoot = path.join(dir, 'run');
  const proxyPidFile = path.join(execRoot, 'network', 'proxy.pid');
  // A /24 of 10.x for the LAN that no two test files are likely to share (the namespaces are private anyway).
  const octet = 100 + (parseInt(createHash('sha256').update(tag).digest('hex').slice(0, 4), 16) % 100);
  let lan: { hostAddress: string; clientAddress: string };
  try {
    lan = makeHostNetns(netnsName, clientNetnsName, octet);
  } catch (err) {
    spawnSync('ip', ['netns', 'del', netnsName]);
    spawnSync('ip', ['netns', 'del', clientNetnsName]);
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const forwards: Array<() => void> = [];
  const inNs = (argv: readonly string[]) => ['nsenter', `--net=${netnsPath}`, '--', ...argv];
  const ctdRoot = path.join(dir, 'ctd-root');
  const ctdState = path.join(dir, 'ctd-state');
  const ctdSocket = path.join(ctdState, 'containerd-ts.sock');
  const dataRoot = path.join(dir, 'data');
  const socket = path.join(dir, 'run', 'engine.sock');
  const cgroupParent = `/${tag}`;
  const configFile = path.join(dir, 'daemon.json');
  fs.writeFileSync(configFile, JSON.stringify(opts.daemonJson ?? {}));
  const killShims = () => killShimsIn(path.join(ctdState, 'shims'));
  let logText = '';
  let ctd: ChildProcess | undefined;
  let engined: ChildProcess | undefined;
  const capture = (name: string) => (c: Buffer) => {
    logText += c.toString().split('\n').filter(Boolean).map((l) => `[${name}] ${l}\n`).join('');
    if (logText.length > 400_000) logText = logText.slice(-200_000);
  };
  const s: Stack = {
    dir,
    dataRoot,
    socket,
    host: `unix://${socket}`,
    ctdSocket,
    containerdNamespace: `engine-${tag}`,
    cgroupParent,
    busyboxArchive: path.join(dir, 'busybox.tar'),
    netnsName,
    netnsPath,
    execRoot,
    hostAddress: lan.hostAddress,
    clientNetnsName,
    clientAddress: lan.clientAddress,
    inHost: (argv, o = {}) => runCommand('nsenter', [`--net=${netnsPath}`, '--', ...argv], { timeoutMs: o.timeoutMs ?? 30_000, input: null }),
    inClient: (argv, o = {}) => runCommand('ip', ['netns', 'exec', clientNetnsName, ...argv], { timeoutMs: o.timeoutMs ?? 30_000, input: null }),
    killProxy: () => killPidFile(proxyPidFile),
    async reachHostLoopback(port) {
      forwards.push(await forwardLoopbackPort(netnsPath, port));
    },
    engine: (args, o = {}) => runCommand(ENGINE_BIN, ['-H', `unix://${socket}`, ...args], { timeoutMs: o.timeoutMs ?? 60_000, ...(o.input !== undefined ? { input: o.input } : {}), ...(o.env ? { env: o.env } : {}) }),
    docker: (args, o = {}) => runCommand(DOCKER_CLI, ['--host', `unix://${socket}`, ...args], { timeoutMs: o.timeoutMs ?? 60_000, ...(o.input !== undefined ? { input: o.input } : {}), env: { ...process.env, DOCKER_CONFIG: path.join(dir, 'docker-config') } }),
    api: (method, urlPath, body, headers = {}) =>
      new Promise((resolve, reject) => {
        const req = http.request({ socketPath: socket, method, path: urlPath, headers: { ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      }),
    async startContainerd() {
      fs.rmSync(ctdSocket, { force: true });
      const argv = inNs([CONTAINERD_BIN, '--root', ctdRoot, '--state', ctdState, '--address', ctdSocket]);
      ctd = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
      ctd.stdout?.on('data', capture('containerd-ts'));
      ctd.stderr?.on('data', capture('containerd-ts'));
      await waitForSocket(ctdSocket, ctd, 'containerd-ts', () => logText);
    },
    stopContainerd: (signal = 'SIGTERM') => stopChild(ctd, signal),
    async startEngined() {
      fs.rmSync(socket, { force: true });
      // nsenter execs the daemon (same pid): signals and kill -9 reach engined itself.
      const argv = inNs([process.execPath, ENGINED_BIN, '--config-file', configFile, '--data-root', dataRoot, '--exec-root', execRoot, '-H', `unix://${socket}`, '--containerd', ctdSocket, '--cgroup-parent', cgroupParent, '--containerd-namespace', `engine-${tag}`, ...(opts.daemonJson && 'debug' in opts.daemonJson ? [] : ['--debug'])]);
      engined = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
      engined.stdout?.on('data', capture('engined'));
      engined.stderr?.on('data', capture('engined'));
      await waitForSocket(socket, engined, 'engined', () => logText);
    },
    stopEngined: (signal = 'SIGTERM') => stopChild(engined, signal),
    logs: () => logText,
    enginedPid: () => engined?.pid,
    async simulateHostRestart() {
      await stopChild(engined, 'SIGKILL');
      await stopChild(ctd, 'SIGKILL');
      killShims();
      killPidFile(proxyPidFile);
      removeCgroupTree(cgroupParent, { kill: true });
      unmountUnder(ctdState);
      unmountUnder(execRoot);
      fs.rmSync(ctdState, { recursive: true, force: true });
      fs.rmSync(execRoot, { recursive: true, force: true });
      // A rebooted host has no bridges, veths or rules: a fresh namespace plays it.
      spawnSync('ip', ['netns', 'del', netnsName]);
      spawnSync('ip', ['netns', 'del', clientNetnsName]);
      makeHostNetns(netnsName, clientNetnsName, octet);
      await s.startContainerd();
      await s.startEngined();
    },
    async cleanup() {
      await stopChild(engined, 'SIGKILL');
      await stopChild(ctd, 'SIGKILL');
      killShims();
      // Containers outlive their shims: kill what is left in the engine's cgroups, then remove them.
      killPidFile(proxyPidFile);
      for (const stop of forwards) stop();
      removeCgroupTree(cgroupParent, { kill: true });
      removeCgroupTree(`/engine-${tag}`, { kill: true });
      unmountUnder(dir);
      // Bridges, veths and rules live in these namespaces and go with them.
      spawnSync('ip', ['netns', 'del', netnsName]);
      spawnSync('ip', ['netns', 'del', clientNetnsName]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    if (opts.dataRootSize) {
      fs.mkdirSync(dataRoot, { mode: 0o711 });
      sh(['mount', '-t', 'tmpfs', '-o', `size=${opts.dataRootSize},mode=0711`, 'tmpfs', dataRoot]);
    }
    await s.startContainerd();
    await s.startEngined();
    if (opts.loadBusybox !== false) {
      await buildBusyboxImage({ outDir: path.join(dir, 'busybox-image'), archivePath: s.busyboxArchive, repoTag: 'busybox:latest' });
      const r = await s.engine(['load', '-i', s.busyboxArchive]);
      if (r.code !== 0) throw new Error(`engine load: ${r.stderr}`);
    }
  } catch (err) {
    await s.cleanup();
    throw err;
  }
  return s;
}

function unmountUnder(prefix: string): void {
  const mounts = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((mp): mp is string => mp !== undefined && mp.startsWith(prefix))
    .reverse();
  for (const mp of mounts) {
    try {
      execFileSync('umount', ['-l', mp]);
    } catch {
      // gone already
    }
  }
}

/** Polls until cond holds. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs a command under a real pty (script(1)), feeding it input lines with pauses. */
export function underPty(command: string, steps: PtyStep[], timeoutMs = 30_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let seen: (() => void) | undefined;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      seen?.();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Steps run in order; one that waits for output keeps a loaded machine from racing the input.
    const outputMatches = (re: RegExp) => new Promise<void>((ok) => {
      seen = () => {
        if (re.test(stdout)) {
          seen = undefined;
          ok();
        }
      };
      seen();
    });
    void (async () => {
      for (const s of steps) {
        if (s.waitFor) await outputMatches(s.waitFor);
        await new Promise((r) => setTimeout(r, s.afterMs ?? 0));
        if (child.exitCode !== null) return;
        child.stdin.write(s.send);
      }
    })();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      seen = undefined;
      resolve({ code: code ?? 137, stdout, stderr });
    });
  });
}

/** Input for underPty: sent `afterMs` after the previous step, or after the output first matches `waitFor`. */
export interface PtyStep {
  afterMs?: number;
  waitFor?: RegExp;
  send: string;
}
