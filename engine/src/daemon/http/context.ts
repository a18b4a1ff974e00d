// One request as handlers see it: the same calls whether it came as a plain request or as an HTTP
// upgrade (attach and exec start hijack the connection for raw stdio).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { ApiError, badRequest } from './api-error.js';
import { asObject, MAX_JSON_BODY, parseJson, readBody } from './body.js';

export class HttpContext {
  /** Path parameters of the matched route, by name. */
  params: Record<string, string> = {};
  private bodyRead: Promise<Buffer> | undefined;
  private answered = false;

  constructor(
    readonly req: IncomingMessage,
    readonly query: URLSearchParams,
    readonly version: string,
    private readonly res: ServerResponse | undefined,
    private readonly upgrade: { socket: Socket; head: Buffer } | undefined,
  ) {}

  get method(): string {
    return this.req.method ?? 'GET';
  }

  get headersSent(): boolean {
    return this.answered;
  }

  param(name: string): string {
    const v = this.params[name];
    if (v === undefined) throw badRequest(`missing path parameter ${name}`);
    return v;
  }

  /** A boolean query flag the way Docker reads them: 1/true/True set it, absence or 0/false clear it. */
  flag(name: string): boolean {
    const v = this.query.get(name);
    if (v === null) return false;
    return !['', '0', 'false', 'False', 'FALSE', 'no'].includes(v);
  }

  int(name: string): number | undefined {
    const v = this.query.get(name);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(v)}`);
    return n;
  }

  /** A required integer parameter read as Go's strconv.Atoi reads it (dockerd's resize), with its messages. */
  atoi(name: string): number {
    const v = this.query.get(name) ?? '';
    if (!/^[+-]?[0-9]+$/.test(v)) throw badRequest(`strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw badRequest(`strconv.Atoi: parsing ${JSON.stringify(v)}: value out of range`);
    return n;
  }

  /** `filters` as Docker encodes them: {"key": ["v", …]} or the older {"key": {"v": true}}. */
  filters(): Map<string, string[]> {
    const raw = this.query.get('filters');
    const out = new Map<string, string[]>();
    if (!raw) return out;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      throw badRequest(`invalid filter '${raw}'`);
    }
    for (const [k, vals] of Object.entries(asObject(v, 'filters'))) {
      if (Array.isArray(vals)) out.set(k, vals.map(String));
      else if (vals && typeof vals === 'object') out.set(k, Object.keys(vals));
      else throw badRequest(`invalid filter '${k}'`);
    }
    return out;
  }

  body(limit = MAX_JSON_BODY): Promise<Buffer> {
    this.bodyRead ??= this.upgrade ? readUpgradeBody(this.req, this.upgrade, limit) : readBody(this.req, limit);
    return this.bodyRead;
  }

  async json(): Promise<Record<string, unknown>> {
    return asObject(parseJson(await this.body()));
  }

  /** A JSON object body that must be there, as dockerd's ReadJSON wants it (volume and network create). */
  async requiredJson(): Promise<Record<string, unknown>> {
    const bytes = await this.body();
    if (bytes.toString('utf8').trim() === '') throw badRequest('got EOF while reading request body');
    return asObject(parseJson(bytes));
  }

  /** The request body as a stream (image load); only for plain requests. */
  bodyStream(): AsyncIterable<Buffer> {
    return this.req as AsyncIterable<Buffer>;
  }

  private plain(): ServerResponse {
    if (!this.res) throw new ApiError(400, 'this endpoint does not take an upgrade request');
    return this.res;
  }

  sendJson(status: number, value: unknown): void {
    const body = Buffer.from(`${JSON.stringify(value)}\n`);
    this.answered = true;
    if (this.upgrade) return writeRawResponse(this.upgrade.socket, status, 'application/json', body);
    this.plain().writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length }).end(body);
  }

  sendText(status: number, text: string, headers: Record<string, string> = {}): void {
    this.answered = true;
    if (this.upgrade) return writeRawResponse(this.upgrade.socket, status, 'text/plain; charset=utf-8', Buffer.from(text));
    this.plain().writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers }).end(text);
  }

  noContent(status = 204): void {
    this.answered = true;
    if (this.upgrade) return writeRawResponse(this.upgrade.socket, status, undefined, Buffer.alloc(0));
    this.plain().writeHead(status).end();
  }

  /** Starts a streamed answer (JSON lines, logs, tarballs); write to the result, end it when done. */
  stream(status: number, contentType: string, headers: Record<string, string> = {}): ServerResponse {
    const res = this.plain();
    this.answered = true;
    res.on('error', () => res.destroy());
    res.writeHead(status, { 'Content-Type': contentType, ...headers });
    res.flushHeaders();
    return res;
  }

  /**
   * Takes over the connection for raw stdio: after an upgrade request, answers 101 and returns the
   * socket (whatever the client sent after the body is stdin); otherwise streams over the response.
   */
  async hijack(contentType: string): Promise<Duplex> {
    this.answered = true;
    if (this.upgrade) {
      await this.body();
      const { socket } = this.upgrade;
      socket.setNoDelay(true);
      socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
      return socket;
    }
    const res = this.plain();
    res.writeHead(200, { 'Content-Type': contentType });
    res.flushHeaders();
    const conn = Duplex.from({ readable: this.req, writable: res });
    // A client that leaves makes the pair fail ('aborted', EPIPE): that ends this stream, never the
    // daemon (an 'error' nobody listens for is thrown). Handlers see it as 'close'.
    conn.on('error', () => conn.destroy());
    return conn;
  }
}

const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 500: 'Internal Server Error' };

export function writeRawResponse(socket: Socket, status: number, contentType: string | undefined, body: Buffer): void {
  const head = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}`, `Content-Length: ${body.length}`, 'Connection: close'];
  if (contentType) head.push(`Content-Type: ${contentType}`);
  socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), body]));
}

/** An upgrade request's body (Content-Length bytes) sits in the socket before the raw stream. */
function readUpgradeBody(req: IncomingMessage, up: { socket: Socket; head: Buffer }, limit: number): Promise<Buffer> {
  const length = Number(req.headers['content-length'] ?? '0');
  if (length > limit) return Promise.reject(new ApiError(413, `request body too large: ${length} bytes`));
  return new Promise((resolve, reject) => {
    let buf = up.head;
    const done = (): boolean => {
      if (buf.length < length) return false;
      up.socket.off('data', onData);
      up.socket.off('end', onEnd);
      up.socket.off('close', onEnd);
      up.socket.pause();
      const rest = buf.subarray(length);
      if (rest.length) up.socket.unshift(rest);
      resolve(buf.subarray(0, length));
      return true;
    };
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      done();
    };
    const onEnd = () => reject(badRequest('connection closed before the request body arrived'));
    if (done()) return;
    up.socket.on('data', onData);
    up.socket.on('end', onEnd);
    // A client that resets the connection sends no end: its close ends the wait as well.
    up.socket.on('close', onEnd);
  });
}
