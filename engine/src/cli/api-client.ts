// The CLI's only way to the engine: the Engine API over the daemon's unix socket (or TCP), with a
// keep-alive agent for plain calls and HTTP upgrade for attach and exec.
import type * as Http from 'node:http';
import type { Duplex } from 'node:stream';
import { defaultHost } from './host.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The daemon is not there (no socket, refused) or went away mid-call: docker's one line. */
export class DaemonUnreachableError extends Error {
  constructor(host: string) {
    super(`Cannot connect to the engine daemon at ${host}. Is the daemon running?`);
  }
}

const CONNECTION_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ENOTCONN']);

/** True for errors that mean the connection to the daemon failed or was cut (not an API answer). */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  // A local file's error (`open FILE: no such file or directory`) is not the daemon's socket.
  if ((err as NodeJS.ErrnoException).path !== undefined && (err as NodeJS.ErrnoException).syscall !== 'connect') return false;
  // node reports a response cut short as 'aborted' (code ECONNRESET) and a request cut short as 'socket hang up'.
  return (code !== undefined && CONNECTION_CODES.has(code)) || err.message === 'aborted' || err.message === 'socket hang up';
}

/** docker's client words a 404 for a named object its own way: `Error: No such container: x`. */
export class ObjectNotFoundError extends Error {
  constructor(object: string, id: string) {
    super(`Error: No such ${object}: ${id}`);
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | string[]>;
  body?: unknown;
  headers?: Record<string, string>;
  /** A raw body stream (image load). */
  stream?: NodeJS.ReadableStream;
  /** The object a 404 means is missing (ObjectNotFoundError), as docker's client reports it. */
  notFound?: { object: string; id: string };
}

/** node:http on first use: it cannot be loaded into the CLI's startup snapshot (it is loaded when a client is made). */
function nodeHttp(): typeof Http {
  return require('node:http') as typeof Http;
}

export const API_PREFIX = '/v1.41';

function queryString(q: RequestOptions['query']): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) p.append(k, x);
    else p.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export class ApiClient {
  private readonly agent = new (nodeHttp().Agent)({ keepAlive: true });
  private readonly target: { socketPath: string } | { host: string; port: number };

  private readonly inert: boolean;

  /** `inert`: requests are never sent and never answered (handlers run during completion). */
  constructor(host = defaultHost(), opts: { inert?: boolean } = {}) {
    this.inert = opts.inert ?? false;
    if (host.startsWith('unix://')) this.target = { socketPath: host.slice('unix://'.length) };
    else if (host.startsWith('tcp://') || host.startsWith('http://')) {
      const u = new URL(host.replace(/^tcp:/, 'http:'));
      this.target = { host: u.hostname, port: Number(u.port || 2375) };
    } else throw new Error(`unsupported host ${host}: use unix:///path or tcp://host:port`);
  }

  close(): void {
    this.agent.destroy();
  }

  /** The daemon's address as the user gives it (`unix:///run/engine/engine.sock`). */
  describe(): string {
    return 'socketPath' in this.target ? `unix://${this.target.socketPath}` : `tcp://${this.target.host}:${this.target.port}`;
  }

  /** Sends a request; resolves with the response (any status) once its headers arrived. */
  raw(method: string, path: string, o: RequestOptions = {}): Promise<Http.IncomingMessage> {
    if (this.inert) return new Promise(() => undefined);
    const body = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body));
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (body) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(body.length);
    }
    if (o.stream) headers['Content-Type'] = 'application/x-tar';
    return new Promise((resolve, reject) => {
      const req = nodeHttp().request({ ...this.target, agent: this.agent, method, path: `${API_PREFIX}${path}${queryString(o.query)}`, headers }, resolve);
      req.on('error', (err) => reject(this.unreachable(err)));
      if (o.stream) o.stream.pipe(req);
      else req.end(body);
    });
  }

  /** A connection failure as DaemonUnreachableError; any other error as it is. */
  unreachable(err: unknown): unknown {
    return isConnectionError(err) ? new DaemonUnreachableError(this.describe()) : err;
  }

  private static async text(res: Http.IncomingMessage): Promise<string> {
    const parts: Buffer[] = [];
    for await (const c of res as AsyncIterable<Buffer>) parts.push(c);
    return Buffer.concat(parts).toString('utf8');
  }

  private static async fail(res: Http.IncomingMessage): Promise<never> {
    const text = await ApiClient.text(res);
    let message = text.trim();
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // not JSON
    }
    throw new ApiError(res.statusCode ?? 500, message || `HTTP ${res.statusCode ?? '?'}`);
  }

  /** A call whose answer is JSON (or empty); non-2xx statuses throw ApiError (304 does not). */
  async call<T = unknown>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const res = await this.raw(method, path, o);
    if (res.statusCode === 404 && o.notFound) {
      res.resume();
      throw new ObjectNotFoundError(o.notFound.object, o.notFound.id);
    }
    if ((res.statusCode ?? 500) >= 400) return ApiClient.fail(res);
    const text = await ApiClient.text(res).catch((err: unknown) => Promise.reject(this.unreachable(err)));
    return (text.trim() ? JSON.parse(text) : undefined) as T;
  }

  /** A streamed answer (logs, pull progress, save); non-2xx statuses throw ApiError. */
  async stream(method: string, path: string, o: RequestOptions = {}): Promise<Http.IncomingMessage> {
    const res = await this.raw(method, path, o);
    if ((res.statusCode ?? 500) >= 400) return ApiClient.fail(res);
    return res;
  }

  /** attach / exec start: upgrades the connection and returns it for raw stdio. */
  hijack(path: string, o: RequestOptions = {}): Promise<Duplex> {
    if (this.inert) return new Promise(() => undefined);
    const body = o.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(o.body));
    return new Promise((resolve, reject) => {
      const req = nodeHttp().request({
        ...this.target,
        method: 'POST',
        path: `${API_PREFIX}${path}${queryString(o.query)}`,
        headers: { Connection: 'Upgrade', Upgrade: 'tcp', 'Content-Type': 'application/json', 'Content-Length': String(body.length) },
      });
      req.on('upgrade', (_res, socket, head) => {
        if (head.length) socket.unshift(head);
        resolve(socket);
      });
      req.on('response', (res) => {
        if ((res.statusCode ?? 500) >= 400) ApiClient.fail(res).catch(reject);
        else reject(new Error(`the engine did not upgrade the connection (HTTP ${res.statusCode ?? '?'})`));
      });
      req.on('error', (err) => reject(this.unreachable(err)));
      req.end(body);
    });
  }
}
