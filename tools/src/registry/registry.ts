import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { childExited, stopChild } from './child-exit.js';
import { freeLoopbackPort } from './free-port.js';

// A throw-away CNCF distribution registry (Debian's `docker-registry`) on loopback, for tests.

export const REGISTRY_BINARY = 'docker-registry';

export interface Registry {
  /** `127.0.0.1:PORT`, the registry part of image references. */
  host: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** The storage root. */
  dir: string;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  /** Storage root to use (kept on stop); default a fresh temp dir (removed on stop). */
  dir?: string;
  /** The registry binary; default `docker-registry` from PATH. */
  binary?: string;
  readyTimeoutMs?: number;
  /** htpasswd lines (`user:$2b$…`, bcrypt only): the registry then wants Basic auth for everything. */
  htpasswd?: string;
}

const live = new Set<ChildProcess>();
// A test runner that exits without calling stop() must not leave registries behind.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function startRegistry(opts: StartRegistryOptions = {}): Promise<Registry> {
  const binary = opts.binary ?? REGISTRY_BINARY;
  const resolved = findExecutable(binary);
  if (!resolved) throw new Error(`registry binary ${binary} not found on PATH; install the Debian package docker-registry`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-'));
  const dir = opts.dir ? path.resolve(opts.dir) : path.join(work, 'storage');
  fs.mkdirSync(dir, { recursive: true });
  const cleanup = () => fs.rmSync(work, { recursive: true, force: true });

  let lastError: Error | undefined;
  // The port is free when chosen but another process may take it before the registry binds it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort();
    const configFile = path.join(work, 'config.yml');
    let auth: string | undefined;
    if (opts.htpasswd !== undefined) {
      auth = path.join(work, 'htpasswd');
      fs.writeFileSync(auth, opts.htpasswd);
    }
    fs.writeFileSync(configFile, registryConfig(dir, port, auth));
    const child = spawn(resolved, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    child.once('exit', () => live.delete(child));
    const output = tailOf(child);
    const host = `127.0.0.1:${port}`;
    const url = `http://${host}`;
    try {
      await waitReady(child, url, opts.readyTimeoutMs ?? 15_000, output, auth ? 401 : 200);
    } catch (err) {
      lastError = err as Error;
      await stopChild(child, 1000);
      if (/address already in use/i.test(output())) continue;
      break;
    }
    let stopped: Promise<void> | undefined;
    return {
      host,
      url,
      dir,
      stop() {
        stopped ??= stopChild(child).then(cleanup);
        return stopped;
      },
    };
  }
  cleanup();
  throw lastError ?? new Error('registry did not start');
}

/** The registry fixture's config.yml: storage in `dir`, plain HTTP on 127.0.0.1:`port`, Basic auth from an htpasswd file if given. */
export function registryConfig(dir: string, port: number, htpasswdFile?: string): string {
  // YAML is a superset of JSON, so the config is written as JSON (paths need no quoting rules).
  return JSON.stringify({
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: dir },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: `127.0.0.1:${port}`, secret: 'stack-tools-test-registry' },
    health: { storagedriver: { enabled: false } },
    ...(htpasswdFile ? { auth: { htpasswd: { realm: 'stack-test', path: htpasswdFile } } } : {}),
  });
}

async function waitReady(child: ChildProcess, url: string, timeoutMs: number, output: () => string, ready: number): Promise<void> {
  const exited = childExited(child).then(() => 'exited' as const);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await Promise.race([getStatus(`${url}/v2/`), exited]);
    if (status === 'exited') throw new Error(`docker-registry exited (code ${child.exitCode ?? child.signalCode}) before serving: ${output().trim()}`);
    if (status === ready) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not answer GET ${url}/v2/ with ${ready} within ${timeoutMs} ms: ${output().trim()}`);
}

function getStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => {
      req.destroy();
      resolve(undefined);
    });
  });
}

/** Keeps the last few KB of the child's output for error messages (and keeps the pipes drained). */
function tailOf(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail;
}

function findExecutable(name: string): string | undefined {
  const candidates = name.includes('/') ? [name] : (process.env['PATH'] ?? '').split(':').filter(Boolean).map((d) => path.join(d, name));
  return candidates.find((c) => {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return fs.statSync(c).isFile();
    } catch {
      return false;
    }
  });
}
