// The API server: node:http on a root-only unix socket (and TCP only when configured), requests
// routed by path after the optional /v1.xx prefix; every error becomes Docker's {"message"} body.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { statusOf, ApiError } from './api-error.js';
import { splitVersion, API_VERSION } from './api-version.js';
import { HttpContext, writeRawResponse } from './context.js';
import type { Router } from './router.js';

export interface ServerLog {
  debug(msg: string): void;
  error(msg: string): void;
}

export const SERVER_HEADER = `Engine/0.1.0 (linux)`;

export class ApiServer {
  private readonly servers: http.Server[] = [];

  constructor(
    private readonly router: Router,
    private readonly log: ServerLog,
  ) {}

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse | undefined, upgrade: { socket: Socket; head: Buffer } | undefined): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://engine');
    let ctx: HttpContext | undefined;
    // A client that drops mid-request errors the request stream; readers see it end or fail instead.
    req.on('error', () => undefined);
    try {
      const { version, path: p } = splitVersion(url.pathname);
      ctx = new HttpContext(req, url.searchParams, version, res, upgrade);
      res?.setHeader('Api-Version', API_VERSION);
      res?.setHeader('Server', SERVER_HEADER);
      const m = this.router.match(req.method ?? 'GET', p);
      if (m === undefined) throw new ApiError(404, 'page not found');
      if (m === 'methodMismatch') throw new ApiError(405, `method ${req.method ?? ''} not allowed on ${p}`);
      ctx.params = m.params;
      this.log.debug(`${req.method ?? ''} ${req.url ?? ''}`);
      await m.handler(ctx);
    } catch (err) {
      const { status, message } = statusOf(err);
      if (status >= 500) this.log.error(`${req.method ?? ''} ${req.url ?? ''}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      else this.log.debug(`${req.method ?? ''} ${req.url ?? ''}: ${status} ${message}`);
      if (ctx?.headersSent) {
        if (res && !res.writableEnded) res.destroy();
        else upgrade?.socket.destroy();
        return;
      }
      const body = Buffer.from(`${JSON.stringify({ message })}\n`);
      if (upgrade) writeRawResponse(upgrade.socket, status, 'application/json', body);
      else if (res && !res.headersSent) res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length }).end(body);
      else res?.destroy();
    }
  }

  private makeServer(): http.Server {
    const server = http.createServer({ requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 5000 }, (req, res) => void this.dispatch(req, res, undefined));
    server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
      socket.on('error', () => undefined);
      void this.dispatch(req, undefined, { socket, head });
    });
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"message":"malformed HTTP request"}\n');
    });
    this.servers.push(server);
    return server;
  }

  /** Listens on a unix socket readable by root only, in a directory others may only traverse. */
  async listenUnix(socketPath: string): Promise<void> {
    fs.mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o711 });
    fs.rmSync(socketPath, { force: true });
    const server = this.makeServer();
    const oldMask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(socketPath, () => resolve());
      });
    } finally {
      process.umask(oldMask);
    }
    fs.chmodSync(socketPath, 0o600);
  }

  /** Serves on a socket inherited already listening (systemd socket activation). */
  async listenFd(fd: number): Promise<void> {
    const server = this.makeServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ fd }, () => resolve());
    });
  }

  async listenTcp(host: string, port: number): Promise<void> {
    const server = this.makeServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }
}
