// Runs the real containerd-ts binary on a private root, state and socket for a test, and stops it
// (or kills it with -9) afterwards.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const pExecFile = promisify(execFile);

export const DAEMON_BIN = path.resolve(__dirname, '../../src/cmd/containerd-ts.js');
export const CTR_TS_BIN = path.resolve(__dirname, '../../src/cmd/ctr-ts.js');
/** The installed command: node on the startup snapshot when it is current, else on CTR_TS_BIN. */
export const CTR_TS_COMMAND = path.resolve(__dirname, '../../../bin/ctr-ts');

export interface TestDaemon {
  dir: string;
  root: string;
  state: string;
  socket: string;
  child: ChildProcess;
  logs(): string;
  /** Starts the daemon again on the same dirs (after a stop or a kill). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  /** Removes the dirs (call after stop). */
  cleanup(): void;
}

async function waitForSocket(socket: string, child: ChildProcess, logs: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (fs.existsSync(socket)) return;
    if (child.exitCode !== null) throw new Error(`containerd-ts exited with ${child.exitCode}: ${logs()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`containerd-ts did not create ${socket}: ${logs()}`);
}

export async function startTestDaemon(opts: { config?: string } = {}): Promise<TestDaemon> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctd-test-'));
  const root = path.join(dir, 'root');
  const state = path.join(dir, 'state');
  const socket = path.join(state, 'containerd-ts.sock');
  let out = '';
  const args = ['--root', root, '--state', state, '--address', socket, '--log-level', 'debug'];
  if (opts.config) {
    const cfg = path.join(dir, 'config.toml');
    fs.writeFileSync(cfg, opts.config);
    args.push('--config', cfg);
  }
  const launch = async () => {
    const child = spawn(process.execPath, [DAEMON_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    try {
      fs.unlinkSync(socket);
    } catch {
      // not there
    }
    await waitForSocket(socket, child, () => out);
    return child;
  };
  const d: TestDaemon = {
    dir,
    root,
    state,
    socket,
    child: await launch(),
    logs: () => out,
    async restart() {
      d.child = await launch();
    },
    async stop() {
      const c = d.child;
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
      c.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`containerd-ts exited with ${code} on SIGTERM: ${out.slice(-2000)}`);
      if (fs.existsSync(socket)) throw new Error('containerd-ts left its socket behind');
    },
    async kill9() {
      const c = d.child;
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return d;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a command, never throwing on a non-zero exit. */
export async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  try {
    const { stdout, stderr } = await pExecFile(cmd, args, { env, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : 1 };
  }
}

export function ctrTs(d: TestDaemon, args: string[]): Promise<RunResult> {
  return run(CTR_TS_COMMAND, ['--address', d.socket, ...args]);
}

/** Debian's stock ctr against the test daemon. */
export function stockCtr(d: TestDaemon, args: string[]): Promise<RunResult> {
  return run('ctr', ['--address', d.socket, ...args]);
}
