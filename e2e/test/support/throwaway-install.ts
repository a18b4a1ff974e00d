// A throwaway root for whole-stack tests: a temp dir that the stack is installed into (prefix
// <root>/usr/local, every state path under <root>), a network namespace of its own for the daemons
// (loopback and their bridge only: offline, and the machine's network untouched), a daemon.json with
// the test's own cgroup parent, and a clean-up that removes whatever a failed step left.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { killShims, removeCgroupTree, runCommand, type CommandResult } from '@stack/tools';

export const REPO = path.resolve(__dirname, '../../../..');

export interface ThrowawayRoot {
  root: string;
  prefix: string;
  netns: string;
  cgroupParent: string;
  /** PATH with the install's bin first, ENGINE_HOST at its socket. */
  env: NodeJS.ProcessEnv;
  /** Runs a program (from the install's PATH) inside the namespace. */
  inNetns(argv: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<CommandResult>;
  /** Runs a program found on the install's PATH (engine reaches engined by its socket). */
  onPath(argv: readonly string[], timeoutMs?: number): Promise<CommandResult>;
  /** Runs tools/install.sh into this root. */
  install(): Promise<string>;
  cleanup(): void;
}

export function expectOk(r: CommandResult, what: string): string {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export function pidFrom(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** SIGTERMs a process and waits until it is gone. */
export async function stopPid(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const running = () => {
    try {
      return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return false;
    }
  };
  while (running()) await new Promise((r) => setTimeout(r, 50));
}

/** Kills the pid in `file` while its command line still contains `marker` (pids are reused). */
function killIfStill(file: string, marker: string): void {
  const pid = pidFrom(file);
  if (pid === undefined) return;
  try {
    if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

function unmountUnder(dir: string): void {
  const mounts = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((mp): mp is string => mp !== undefined && mp.startsWith(`${dir}/`))
    .reverse();
  for (const mp of mounts) spawnSync('umount', ['-l', mp]);
}

export function makeThrowawayRoot(name: string, daemonJson: Record<string, unknown> = {}): ThrowawayRoot {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `e2e-${name}-`));
  const tag = path.basename(root).replace(/[^\w]/g, '').slice(-8);
  const netns = `e2e${name.slice(0, 4)}-${tag}`;
  const cgroupParent = `/e2e-${name}-${tag}`;
  const prefix = path.join(root, 'usr/local');
  const env = { ...process.env, PATH: `${path.join(prefix, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`, ENGINE_HOST: `unix://${path.join(root, 'run/engine/engine.sock')}` };
  const t: ThrowawayRoot = {
    root,
    prefix,
    netns,
    cgroupParent,
    env,
    inNetns: (argv, o = {}) => runCommand('nsenter', [`--net=/run/netns/${netns}`, '--', ...argv], { env, input: o.input ?? null, timeoutMs: o.timeoutMs ?? 120_000 }),
    onPath: (argv, timeoutMs = 120_000) => runCommand(argv[0]!, argv.slice(1), { env, input: null, timeoutMs }),
    install: async () => expectOk(await runCommand(path.join(REPO, 'tools/install.sh'), ['--prefix', prefix, '--state-root', root], { input: null, timeoutMs: 120_000 }), 'install'),
    cleanup() {
      // Whatever a failed step left: daemons, shims, the port proxy, containers, mounts, the namespace.
      killIfStill(path.join(root, 'run/engine/engined.pid'), '/engined');
      killIfStill(path.join(root, 'run/containerd-ts/containerd-ts.pid'), '/containerd-ts.js');
      killIfStill(path.join(root, 'run/engine/network/proxy.pid'), 'engine-proxy');
      killShims(path.join(root, 'run/containerd-ts/shims'));
      removeCgroupTree(cgroupParent, { kill: true });
      unmountUnder(root);
      spawnSync('ip', ['netns', 'del', netns]);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    execFileSync('ip', ['netns', 'add', netns]);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    // The user's daemon.json, which install must keep: this test's cgroup parent for the containers.
    fs.mkdirSync(path.join(root, 'etc/engine'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc/engine/daemon.json'), JSON.stringify({ 'cgroup-parent': cgroupParent, ...daemonJson }));
  } catch (err) {
    t.cleanup();
    throw err;
  }
  return t;
}
