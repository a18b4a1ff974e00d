// `shim-ts start`: prints the address of the shim serving a group, starting that shim first when
// none runs. The shim is daemonized into its own session, reparented away from its caller.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { shimPaths } from './shim-paths.js';

const SHIM_BIN = path.resolve(__dirname, '../../../bin/shim-ts');

function alive(pidFile: string): boolean {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    if (!pid) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function accepts(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(socket);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

export interface StartOptions {
  stateDir: string;
  group: string;
  runtimeRoot: string;
  timeoutMs?: number;
  /** Run the shim under a keeper (daemon/keeper.ts) that records its containers' exits if it dies. */
  keeper?: boolean;
}

/** Returns `unix://<socket>` of a running shim for the group. */
export async function startShim(opts: StartOptions): Promise<string> {
  const paths = shimPaths(opts.stateDir, opts.group);
  const address = `unix://${paths.socket}`;
  if (alive(paths.pidFile) && (await accepts(paths.socket))) return address;
  fs.mkdirSync(paths.dir, { recursive: true, mode: 0o711 });
  // Two callers racing to start the same group: the lock file decides who spawns.
  const lock = path.join(paths.dir, 'start.lock');
  let fd: number | undefined;
  try {
    fd = fs.openSync(lock, 'wx');
  } catch {
    // someone else is starting it: wait for them below
  }
  if (fd !== undefined) {
    try {
      fs.rmSync(paths.socket, { force: true });
      const log = fs.openSync(paths.logFile, 'a');
      const child = spawn(SHIM_BIN, [opts.keeper ? 'keep' : 'serve', '--state-dir', opts.stateDir, '--group', opts.group, '--runtime-root', opts.runtimeRoot], {
        detached: true, // setsid: its own session, not hit by the caller's terminal or process group
        stdio: ['ignore', log, log],
        cwd: paths.dir,
      });
      fs.closeSync(log);
      child.unref();
    } finally {
      fs.closeSync(fd);
    }
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  try {
    while (Date.now() < deadline) {
      if (alive(paths.pidFile) && (await accepts(paths.socket))) return address;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    if (fd !== undefined) fs.rmSync(lock, { force: true });
  }
  let tail = '';
  try {
    tail = fs.readFileSync(paths.logFile, 'utf8').slice(-1000);
  } catch {
    // no log yet
  }
  throw new Error(`shim for ${opts.group} did not start within ${(opts.timeoutMs ?? 15_000) / 1000}s${tail ? `: ${tail}` : ''}`);
}
