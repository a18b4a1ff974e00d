// The CRI streaming server: Exec, Attach and PortForward answer with a URL on this HTTP server
// (`/exec/<token>`, `/attach/<token>`, `/portforward/<token>`), and the client (kubelet's remotecommand, crictl) connects
// there with a WebSocket upgrade and one of the channel protocols (v5/v4.channel.k8s.io or
// channel.k8s.io). A token is random, used once, and expires after a minute, as in kubelet's server.
// SPDY upgrades are refused with 400, which makes kubelet's fallback executor report it clearly.
// The server listens from the first Exec/Attach/PortForward on, not at start: a containerd-ts that
// serves no CRI streams opens no TCP port.
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Code, GrpcError } from '@stack/proto';
import { acceptKey, WebSocketConn } from './websocket.js';

const TOKEN_TTL_MS = 60_000;
const MAX_IN_FLIGHT = 1000;

export type StreamKind = 'exec' | 'attach' | 'portforward';

/** Channel protocols per kind, best first. '' is a client that names none (binary channels, v1 rules). */
export const PROTOCOLS: Record<StreamKind, string[]> = {
  exec: ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io'],
  attach: ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io'],
  portforward: ['v4.channel.k8s.io'],
};

export interface StreamHandler<R> {
  (ws: WebSocketConn, protocol: string, request: R, url: URL): void;
}

interface Pending {
  kind: StreamKind;
  request: unknown;
  expires: number;
}

export class StreamingServer {
  private readonly server: http.Server;
  private readonly pending = new Map<string, Pending>();
  private readonly handlers: Partial<Record<StreamKind, StreamHandler<unknown>>> = {};
  private listening: Promise<void> | undefined;
  private readonly sockets = new Set<Duplex>();

  constructor(
    private readonly address: string,
    private readonly port: number,
  ) {
    this.server = http.createServer((req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('containerd-ts streaming: a WebSocket upgrade with a channel protocol (v4.channel.k8s.io) is required\n');
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  private listen(): Promise<void> {
    this.listening ??= new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, this.address, () => resolve());
    });
    return this.listening;
  }

  on<R>(kind: StreamKind, handler: StreamHandler<R>): void {
    this.handlers[kind] = handler as StreamHandler<unknown>;
  }

  /** A one-time URL for a validated request. */
  async url(kind: StreamKind, request: unknown): Promise<string> {
    await this.listen().catch((err: Error) => {
      this.listening = undefined; // the next request tries again
      throw new GrpcError(Code.UNAVAILABLE, `the streaming server is not listening on ${this.address}: ${err.message}`);
    });
    const now = Date.now();
    for (const [t, p] of this.pending) if (p.expires <= now) this.pending.delete(t);
    if (this.pending.size >= MAX_IN_FLIGHT) throw new GrpcError(Code.RESOURCE_EXHAUSTED, `too many pending streaming requests (${MAX_IN_FLIGHT})`);
    const token = randomBytes(8).toString('base64url');
    this.pending.set(token, { kind, request, expires: now + TOKEN_TTL_MS });
    const a = this.server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}/${kind}/${token}`;
  }

  private refuse(socket: Duplex, status: number, text: string, message: string): void {
    socket.end(`HTTP/1.1 ${status} ${text}\r\ncontent-type: text/plain\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(message) + 1}\r\n\r\n${message}\n`);
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://streaming');
    const m = /^\/(exec|attach|portforward)\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    if (!m) return this.refuse(socket, 404, 'Not Found', `no stream at ${url.pathname}`);
    const kind = m[1] as StreamKind;
    const token = m[2] as string;
    const p = this.pending.get(token);
    if (!p || p.kind !== kind || p.expires <= Date.now()) return this.refuse(socket, 404, 'Not Found', `unknown or expired ${kind} token`);
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      return this.refuse(socket, 400, 'Bad Request', `upgrade ${JSON.stringify(req.headers.upgrade ?? '')} is not supported: containerd-ts streams over WebSocket only (${PROTOCOLS[kind].join(', ')}); SPDY is not supported`);
    }
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string' || key === '') return this.refuse(socket, 400, 'Bad Request', 'Sec-WebSocket-Key is missing');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const protocol = offered.length === 0 ? '' : offered.find((o) => PROTOCOLS[kind].includes(o));
    if (protocol === undefined) return this.refuse(socket, 400, 'Bad Request', `none of the offered protocols (${offered.join(', ')}) is supported; use one of ${PROTOCOLS[kind].join(', ')}`);
    this.pending.delete(token);
    const handler = this.handlers[kind];
    if (!handler) return this.refuse(socket, 501, 'Not Implemented', `${kind} is not served`);
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptKey(key)}`, ...(protocol ? [`Sec-WebSocket-Protocol: ${protocol}`] : []), '', ''].join('\r\n'));
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    handler(new WebSocketConn(socket, false, head), protocol, p.request, url);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (!this.listening) return;
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
