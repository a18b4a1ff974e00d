// One daemon of the stack as a service: started detached in its own session (it outlives the
// command that started it) with its output appended to a log file, found again through its pid
// file, stopped with SIGTERM. A pid is only signalled while its command line is still that
// daemon's (pids are reused).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface DaemonSpec {
  name: string;
  /** The program (a bin wrapper that execs node, so the pid stays the daemon's). */
  bin: string;
  args: string[];
  pidFile: string;
  /** Whether the pid file is ours to write (engined writes its own). */
  writesPidFile: boolean;
  /** An argv element ending with this marks the daemon's process (`/containerd-ts.js`, `/engined`). */
  argvSuffix: string;
  logFile: string;
  /** Whether the daemon serves (its socket answers). */
  answers(): Promise<boolean>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The daemon's pid when its pid file names a live process that is that daemon. */
export function daemonPid(d: DaemonSpec): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(d.pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => a.endsWith(d.argvSuffix)) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the daemon unless it already answers; resolves once it does. */
export async function startDaemon(d: DaemonSpec, timeoutMs = 60_000): Promise<{ pid: number | undefined; started: boolean }> {
  if (await d.answers()) return { pid: daemonPid(d), started: false };
  const running = daemonPid(d);
  if (running !== undefined) throw new Error(`${d.name} (pid ${running}) runs but does not answer; see ${d.logFile}, or stop it first`);
  fs.mkdirSync(path.dirname(d.logFile), { recursive: true });
  fs.mkdirSync(path.dirname(d.pidFile), { recursive: true, mode: 0o711 });
  const log = fs.openSync(d.logFile, 'a');
  const child = spawn(d.bin, d.args, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  child.unref();
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ?? `status ${String(code)}`));
  child.once('error', (err) => (exited = err.message));
  if (d.writesPidFile && child.pid !== undefined) fs.writeFileSync(d.pidFile, `${child.pid}\n`);
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
    if (await d.answers()) return { pid: child.pid, started: true };
    if (exited !== undefined) break;
  }
  const tail = fs.readFileSync(d.logFile, 'utf8').trimEnd().split('\n').slice(-5).join('\n');
  if (exited === undefined) child.kill('SIGKILL');
  if (d.writesPidFile) fs.rmSync(d.pidFile, { force: true });
  throw new Error(`${d.name} did not come up (${exited ?? 'no answer in time'}); the end of ${d.logFile}:\n${tail}`);
}

/** SIGTERMs the daemon and waits until it has exited (SIGKILL after timeoutMs). */
export async function stopDaemon(d: DaemonSpec, timeoutMs = 30_000): Promise<{ pid: number | undefined; killed: boolean }> {
  const pid = daemonPid(d);
  if (pid === undefined) return { pid: undefined, killed: false };
  process.kill(pid, 'SIGTERM');
  let killed = false;
  for (const deadline = Date.now() + timeoutMs; daemonPid(d) === pid; await sleep(50)) {
    if (Date.now() > deadline && !killed) {
      process.kill(pid, 'SIGKILL');
      killed = true;
    }
  }
  if (d.writesPidFile) fs.rmSync(d.pidFile, { force: true });
  return { pid, killed };
}
