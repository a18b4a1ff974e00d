// The manager's handle on the port proxy process: finds it through its control socket, starts it
// when there is none (in the host namespace, detached, so it outlives the daemon), and sends it
// requests one at a time.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { isProxyProcess } from './proxy-process.js';
import { jsonLines, type ProxyMapping, type ProxyReply, type ProxyRequest } from './proxy-protocol.js';

type RequestBody = ProxyRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class ProxyError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

declare const ENGINED_BUNDLE: boolean | undefined;
/** The proxy's entry beside this module, or under dist/src/ when this runs in engined's one-file bundle (dist/). */
const PROXY_MAIN = typeof ENGINED_BUNDLE === 'boolean' ? path.join(__dirname, 'src/network/proxy/proxy-main.js') : path.join(__dirname, 'proxy-main.js');
const REQUEST_TIMEOUT_MS = 15_000;
const START_TIMEOUT_MS = 10_000;

export class ProxyClient {
  readonly socketPath: string;
  readonly pidFile: string;
  private conn: net.Socket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ProxyReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(
    runDir: string,
    private readonly hostPrefix: readonly string[],
  ) {
    this.socketPath = path.join(runDir, 'proxy.sock');
    this.pidFile = path.join(runDir, 'proxy.pid');
  }

  async add(m: ProxyMapping): Promise<number> {
    const r = await this.request({ op: 'add', ...m });
    return r.hostPort ?? m.hostPort;
  }

  async remove(owner: string): Promise<number> {
    return (await this.request({ op: 'remove', owner })).removed ?? 0;
  }

  async list(): Promise<ProxyMapping[]> {
    return (await this.request({ op: 'list' })).mappings ?? [];
  }

  /** Whether a proxy process is running (without starting one). */
  async running(): Promise<boolean> {
    try {
      await this.connect(false);
      return true;
    } catch {
      return false;
    }
  }

  /** Asks the proxy to exit (closing every published port) and waits until it has. */
  async stop(): Promise<void> {
    const pid = readPid(this.pidFile);
    if (await this.running()) {
      await this.request({ op: 'exit' }).catch(() => undefined);
    }
    this.disconnect();
    if (pid !== undefined) await waitGone(pid, 5000);
    fs.rmSync(this.pidFile, { force: true });
    fs.rmSync(this.socketPath, { force: true });
  }

  disconnect(): void {
    this.conn?.destroy();
    this.conn = undefined;
  }

  private async request(body: RequestBody): Promise<ProxyReply & { ok: true }> {
    const conn = await this.connect(true);
    const id = this.nextId++;
    const reply = await new Promise<ProxyReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ProxyError('ETIMEDOUT', 'the port proxy did not answer'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      conn.write(`${JSON.stringify({ ...body, id })}\n`);
    });
    if (!reply.ok) throw new ProxyError(reply.code, reply.message);
    return reply;
  }

  private async connect(startIfMissing: boolean): Promise<net.Socket> {
    if (this.conn && !this.conn.destroyed) return this.conn;
    let conn: net.Socket;
    try {
      conn = await dial(this.socketPath);
    } catch (err) {
      if (!startIfMissing) throw err;
      await this.start();
      conn = await dial(this.socketPath);
    }
    conn.on(
      'data',
      jsonLines((msg) => {
        const reply = msg as ProxyReply;
        const p = this.pending.get(reply.id);
        if (!p) return;
        clearTimeout(p.timer);
        this.pending.delete(reply.id);
        p.resolve(reply);
      }),
    );
    conn.on('close', () => {
      if (this.conn === conn) this.conn = undefined;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new ProxyError('ECONNRESET', 'the port proxy went away'));
        this.pending.delete(id);
      }
    });
    conn.on('error', () => undefined);
    conn.unref(); // an idle control connection must not keep the daemon (or a test) alive
    this.conn = conn;
    return conn;
  }

  private async start(): Promise<void> {
    const old = readPid(this.pidFile);
    if (old !== undefined && isProxyProcess(old)) {
      // Alive but not answering on its socket: replace it.
      process.kill(old, 'SIGKILL');
      await waitGone(old, 5000);
    }
    fs.rmSync(this.socketPath, { force: true });
    const logFd = fs.openSync(path.join(path.dirname(this.socketPath), 'proxy.log'), 'a');
    const argv = [...this.hostPrefix, process.execPath, PROXY_MAIN, '--control', this.socketPath];
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', logFd, logFd, 'pipe'] });
    fs.closeSync(logFd);
    const ready = child.stdio[3] as NodeJS.ReadableStream & { destroy(): void };
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the port proxy did not start in time')), START_TIMEOUT_MS);
        ready.on('data', () => {
          clearTimeout(timer);
          resolve();
        });
        child.once('exit', (code, sig) => {
          clearTimeout(timer);
          reject(new Error(`the port proxy exited at start (${sig ?? `status ${String(code)}`}); see proxy.log`));
        });
        child.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    } finally {
      ready.destroy();
      child.unref();
    }
    if (child.pid !== undefined) fs.writeFileSync(this.pidFile, `${child.pid}\n`);
  }
}

function dial(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(socketPath);
    conn.once('connect', () => {
      conn.off('error', reject);
      resolve(conn);
    });
    conn.once('error', reject);
  });
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isProxyProcess(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
