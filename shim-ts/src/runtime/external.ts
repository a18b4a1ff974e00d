// A runc-compatible binary driven through its command line, the way containerd's runc shim drives
// runc: --root, --log <bundle>/log.json --log-format json, and the error from that log on failure.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { linuxSyscalls as sys, listenConsoleSocket, type CgroupStats } from '@stack/runc-ts';
import type { CreateParams, ExecParams, OciRuntime } from './oci-runtime.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The last error a runc-style runtime wrote to its JSON log. */
export function lastLogError(logFile: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(logFile, 'utf8');
  } catch {
    return undefined;
  }
  let last: string | undefined;
  for (const line of text.split('\n')) {
    try {
      const rec = JSON.parse(line) as { level?: string; msg?: string };
      if (rec.level === 'error' && rec.msg) last = rec.msg;
    } catch {
      // not JSON
    }
  }
  return last;
}

export class ExternalRuntime implements OciRuntime {
  readonly name: string;
  /** pids of runtime invocations in flight: the shim's reaper must leave their exits to Node. */
  readonly running = new Set<number>();
  private readonly bundles = new Map<string, string>();

  constructor(
    private readonly binary: string,
    private readonly root: string,
  ) {
    this.name = binary;
  }

  private logFile(id: string): string {
    const bundle = this.bundles.get(id);
    return bundle ? path.join(bundle, 'log.json') : path.join(this.root, `${id}.log.json`);
  }

  private run(id: string, args: string[], opts: { stdio?: [number, number, number]; input?: string } = {}): Promise<Result> {
    const log = this.logFile(id);
    const full = ['--root', this.root, '--log', log, '--log-format', 'json', ...args];
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, full, {
        stdio: opts.stdio ? [opts.stdio[0], opts.stdio[1], opts.stdio[2]] : ['pipe', 'pipe', 'pipe'],
      });
      if (child.pid) this.running.add(child.pid);
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdin?.end(opts.input ?? '');
      child.once('error', (err) => reject(new Error(`cannot run ${this.binary}: ${err.message}`)));
      child.once('exit', (code, signal) => {
        if (child.pid) this.running.delete(child.pid);
        resolve({ code: code ?? 128 + (signal ? os.constants.signals[signal] : 0), stdout, stderr });
      });
    });
  }

  private async ok(id: string, args: string[], opts: { stdio?: [number, number, number]; input?: string } = {}): Promise<string> {
    const r = await this.run(id, args, opts);
    if (r.code !== 0) {
      const why = lastLogError(this.logFile(id)) ?? (r.stderr.trim() || `exit status ${r.code}`);
      throw new Error(`${path.basename(this.binary)} ${args[0]}: ${why}`);
    }
    return r.stdout;
  }

  /** A --console-socket whose received master is passed on to `forward` (the shim's own socket pair). */
  private consoleRelay(forward: number): { path: string; done: Promise<void>; close(): void } {
    const cs = listenConsoleSocket(sys);
    const done = cs.received.then(({ master, name }) => {
      sys.sendFd(forward, master, Buffer.from(name || '/dev/pts'));
      sys.close(master);
    });
    return { path: cs.path, done, close: () => cs.close() };
  }

  async create(p: CreateParams): Promise<number> {
    this.bundles.set(p.id, p.bundle);
    const pidFile = path.join(p.bundle, 'init.pid');
    const args = ['create', '--bundle', p.bundle, '--pid-file', pidFile];
    if (p.noPivot) args.push('--no-pivot');
    if (p.noNewKeyring) args.push('--no-new-keyring');
    const relay = p.consoleSocket !== undefined ? this.consoleRelay(p.consoleSocket) : undefined;
    try {
      if (relay) args.push('--console-socket', relay.path);
      await this.ok(p.id, [...args, p.id], p.stdio ? { stdio: p.stdio } : {});
      if (relay) await relay.done;
    } finally {
      relay?.close();
    }
    return Number(fs.readFileSync(pidFile, 'utf8'));
  }

  async start(id: string): Promise<void> {
    await this.ok(id, ['start', id]);
  }

  async exec(p: ExecParams): Promise<number> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shim-exec-'));
    const relay = p.consoleSocket !== undefined ? this.consoleRelay(p.consoleSocket) : undefined;
    try {
      const processFile = path.join(dir, 'process.json');
      fs.writeFileSync(processFile, JSON.stringify(p.process));
      const pidFile = path.join(dir, 'exec.pid');
      const args = ['exec', '--process', processFile, '--detach', '--pid-file', pidFile];
      if (relay) args.push('--console-socket', relay.path);
      await this.ok(p.id, [...args, p.id], p.stdio ? { stdio: p.stdio } : {});
      if (relay) await relay.done;
      return Number(fs.readFileSync(pidFile, 'utf8'));
    } finally {
      relay?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  async kill(id: string, signal: number, all: boolean): Promise<void> {
    await this.ok(id, ['kill', ...(all ? ['--all'] : []), id, String(signal)]);
  }

  async delete(id: string, force: boolean): Promise<void> {
    await this.ok(id, ['delete', ...(force ? ['--force'] : []), id]);
    this.bundles.delete(id);
  }

  async pause(id: string): Promise<void> {
    await this.ok(id, ['pause', id]);
  }

  async resume(id: string): Promise<void> {
    await this.ok(id, ['resume', id]);
  }

  async update(id: string, resources: unknown): Promise<void> {
    await this.ok(id, ['update', '--resources', '-', id], { input: JSON.stringify(resources) });
  }

  async stats(id: string): Promise<CgroupStats> {
    const out = await this.ok(id, ['events', '--stats', id]);
    return (JSON.parse(out) as { data: CgroupStats }).data;
  }

  async pids(id: string): Promise<number[]> {
    return JSON.parse(await this.ok(id, ['ps', '--format', 'json', id])) as number[];
  }
}
