// Debian's containerd on private paths, for interop tests and benchmarks. containerd 1.6 still uses
// /run/containerd/{s,fifo,runc/<namespace>} whatever its config says: use a namespace of your own.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand, type CommandResult } from './command.js';
import { stopProcess, waitReady } from './process-control.js';

export interface ReferenceContainerd {
  dir: string;
  socket: string;
  /** Runs Debian's `ctr --address SOCK [-n NAMESPACE] ARGS`. */
  ctr(args: readonly string[], opts?: { namespace?: string; timeoutMs?: number; input?: string }): Promise<CommandResult>;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startReferenceContainerd(opts: { dir?: string; extraConfig?: string } = {}): Promise<ReferenceContainerd> {
  const own = opts.dir === undefined;
  if (opts.dir) fs.mkdirSync(opts.dir, { recursive: true });
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ref-containerd-'));
  const socket = path.join(dir, 'containerd.sock');
  const config = [
    'version = 2',
    `root = "${dir}/root"`,
    `state = "${dir}/state"`,
    // No CRI, and no plugin that writes outside dir (opt installs into /opt/containerd).
    'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt"]',
    '[grpc]',
    `  address = "${socket}"`,
    '[ttrpc]',
    `  address = "${socket}.ttrpc"`,
    opts.extraConfig ?? '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'config.toml'), config);
  const logFile = path.join(dir, 'containerd.log');
  const log = fs.openSync(logFile, 'w');
  const child = spawn('containerd', ['--config', path.join(dir, 'config.toml')], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const ctr: ReferenceContainerd['ctr'] = (args, o = {}) =>
    runCommand('ctr', ['--address', socket, ...(o.namespace ? ['-n', o.namespace] : []), ...args], { timeoutMs: o.timeoutMs ?? 60_000, ...(o.input !== undefined ? { input: o.input } : {}) });
  const stop = async () => {
    await stopProcess(child);
    if (own) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(child, 'containerd', async () => fs.existsSync(socket) && (await ctr(['version'], { timeoutMs: 5000 })).code === 0, () => tail(logFile));
  } catch (err) {
    await stop();
    throw err;
  }
  return { dir, socket, ctr, process: child, stop };
}

export function tail(file: string, bytes = 2000): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-bytes);
  } catch {
    return '(no log)';
  }
}

/**
 * Removes a cgroup directory and its children in every hierarchy (containerd leaves /<namespace>);
 * with `kill`, first SIGKILLs what still runs in them (what a test left when it failed).
 */
export function removeCgroupTree(cgroupPath: string, opts: { kill?: boolean } = {}): void {
  const root = '/sys/fs/cgroup';
  if (!fs.existsSync(root)) return;
  const remove = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) remove(path.join(dir, e.name));
    if (opts.kill) {
      try {
        for (const pid of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // no procs file, or gone
      }
    }
    // Killed tasks leave the cgroup a moment after the signal.
    for (let i = 0; i < 100; i++) {
      try {
        fs.rmdirSync(dir);
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || !opts.kill || code !== 'EBUSY') return;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
    }
  };
  for (const h of fs.readdirSync(root)) remove(path.join(root, h, cgroupPath));
}
