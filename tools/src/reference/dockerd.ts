// Debian's dockerd on private paths (no bridge, no iptables), using a containerd of ours, for interop
// tests and benchmarks. With `netns`, it runs inside that network namespace instead, with its
// default bridge, iptables rules and userland proxy there (the machine's network is not touched). dockerd writes /etc/docker/key.json and /run/docker/plugins whatever its
// flags say; stop() removes them again if they were not there before.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand, type CommandResult } from './command.js';
import { removeCgroupTree, tail } from './containerd.js';
import { stopProcess, waitReady } from './process-control.js';

export interface ReferenceDockerd {
  dir: string;
  /** unix:///…/docker.sock */
  host: string;
  /** Runs Debian's docker CLI (API 1.41) against this daemon. */
  docker(args: readonly string[], opts?: { timeoutMs?: number; input?: string }): Promise<CommandResult>;
  process: ChildProcess;
  stop(): Promise<void>;
}

export const DOCKER_CLI = '/usr/bin/docker';

export async function startReferenceDockerd(opts: { containerdSocket: string; runtimes?: Record<string, string>; insecureRegistries?: string[]; dir?: string; netns?: string }): Promise<ReferenceDockerd> {
  const own = opts.dir === undefined;
  if (opts.dir) fs.mkdirSync(opts.dir, { recursive: true });
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ref-dockerd-'));
  const socket = path.join(dir, 'docker.sock');
  const host = `unix://${socket}`;
  const cgroupParent = `/ref-dockerd-${path.basename(dir).replace(/[^\w-]/g, '')}`;
  const leftovers = ['/etc/docker/key.json', '/run/docker/plugins'].filter((p) => !fs.existsSync(p));
  const config = {
    'data-root': path.join(dir, 'data'),
    'exec-root': path.join(dir, 'exec'),
    pidfile: path.join(dir, 'docker.pid'),
    hosts: [host],
    containerd: opts.containerdSocket,
    // Networking only inside a namespace of the caller's: there, Docker's defaults (docker0, iptables, docker-proxy).
    ...(opts.netns ? { iptables: true, 'ip-masq': true, 'ip-forward': true, 'userland-proxy': true } : { iptables: false, 'ip-masq': false, 'ip-forward': false, bridge: 'none' }),
    'storage-driver': 'overlay2',
    'insecure-registries': opts.insecureRegistries ?? [],
    // Containers' cgroups under a parent of this daemon's own, removed by stop().
    'cgroup-parent': cgroupParent,
    runtimes: Object.fromEntries(Object.entries(opts.runtimes ?? {}).map(([name, p]) => [name, { path: p }])),
  };
  fs.writeFileSync(path.join(dir, 'daemon.json'), JSON.stringify(config, null, 2));
  const logFile = path.join(dir, 'dockerd.log');
  const log = fs.openSync(logFile, 'w');
  const argv = [...(opts.netns ? ['nsenter', `--net=${opts.netns}`, '--'] : []), 'dockerd', '--config-file', path.join(dir, 'daemon.json')];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const docker: ReferenceDockerd['docker'] = (args, o = {}) =>
    runCommand(DOCKER_CLI, ['--host', host, ...args], { timeoutMs: o.timeoutMs ?? 120_000, ...(o.input !== undefined ? { input: o.input } : {}) });
  const stop = async () => {
    await stopProcess(child, 15_000);
    for (const p of leftovers) fs.rmSync(p, { recursive: true, force: true });
    removeCgroupTree(cgroupParent);
    if (own) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(child, 'dockerd', async () => fs.existsSync(socket) && (await docker(['version'], { timeoutMs: 5000 })).code === 0, () => tail(logFile), 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { dir, host, docker, process: child, stop };
}
