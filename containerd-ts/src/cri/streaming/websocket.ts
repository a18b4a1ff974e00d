// RFC 6455 WebSocket framing over a socket, for the CRI streaming server (the server side, unmasked
// frames) and its tests (the client side, masked frames): binary and text messages (fragments
// joined), ping answered with pong, close answered and ended.
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Largest message accepted (a CRI stream sends small frames; this bounds a hostile peer). */
const MAX_MESSAGE = 16 * 1024 * 1024;

export const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

export function encodeFrame(opcode: number, payload: Buffer, mask: boolean): Buffer {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.alloc(head + (mask ? 4 : 0) + len);
  out[0] = 0x80 | opcode;
  if (len < 126) out[1] = len;
  else if (len < 65536) {
    out[1] = 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 127;
    out.writeBigUInt64BE(BigInt(len), 2);
  }
  if (mask) {
    out[1] = (out[1] as number) | 0x80;
    const key = randomBytes(4);
    key.copy(out, head);
    for (let i = 0; i < len; i++) out[head + 4 + i] = (payload[i] as number) ^ (key[i % 4] as number);
  } else payload.copy(out, head);
  return out;
}

export interface WsMessage {
  data: Buffer;
  binary: boolean;
}

/**
 * One WebSocket connection. Events: 'message' (WsMessage), 'close' (once, whoever ends it).
 * `masked` is true on the client side (RFC 6455: clients mask, servers do not).
 */
export class WebSocketConn extends EventEmitter {
  private buf: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentBinary = true;
  private closed = false;

  constructor(
    private readonly socket: Duplex,
    private readonly masked: boolean,
    head?: Buffer,
  ) {
    super();
    socket.on('data', (c: Buffer) => this.feed(c));
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
    if (head?.length) setImmediate(() => this.feed(head));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.emit('close');
  }

  private feed(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.buf.length < 2) return;
      const b0 = this.buf[0] as number;
      const b1 = this.buf[1] as number;
      let len = b1 & 0x7f;
      let off = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        const big = this.buf.readBigUInt64BE(2);
        if (big > BigInt(MAX_MESSAGE)) return this.fail(1009);
        len = Number(big);
        off = 10;
      }
      const isMasked = (b1 & 0x80) !== 0;
      if (isMasked === this.masked) return this.fail(1002); // servers get masked frames, clients unmasked
      const keyOff = off;
      if (isMasked) off += 4;
      if (this.buf.length < off + len) return;
      const payload = Buffer.from(this.buf.subarray(off, off + len));
      if (isMasked) for (let i = 0; i < len; i++) payload[i] = (payload[i] as number) ^ (this.buf[keyOff + (i % 4)] as number);
      this.buf = this.buf.subarray(off + len);
      this.frame(b0 & 0x80 ? true : false, b0 & 0x0f, payload);
      if (this.closed) return;
    }
  }

  private frame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP.ping:
        this.write(OP.pong, payload);
        return;
      case OP.pong:
        return;
      case OP.close:
        this.write(OP.close, payload.subarray(0, 2));
        this.socket.end();
        this.finish();
        return;
      case OP.text:
      case OP.binary:
      case OP.continuation: {
        if (opcode !== OP.continuation) {
          this.fragments = [];
          this.fragmentBinary = opcode === OP.binary;
        }
        this.fragments.push(payload);
        if (this.fragments.reduce((n, f) => n + f.length, 0) > MAX_MESSAGE) return this.fail(1009);
        if (fin) {
          const data = Buffer.concat(this.fragments);
          this.fragments = [];
          this.emit('message', { data, binary: this.fragmentBinary } satisfies WsMessage);
        }
        return;
      }
      default:
        this.fail(1002);
    }
  }

  private write(opcode: number, payload: Buffer): boolean {
    if (this.closed || this.socket.destroyed) return false;
    return this.socket.write(encodeFrame(opcode, payload, this.masked));
  }

  private fail(code: number): void {
    this.close(code);
  }

  /** Sends a binary message; false when the socket's buffer is full (wait for 'drain' on it). */
  send(data: Buffer): boolean {
    return this.write(OP.binary, data);
  }

  /** Waits until the socket can take more. */
  drained(): Promise<void> {
    return new Promise((r) => (this.socket.writableNeedDrain ? this.socket.once('drain', () => r()) : r()));
  }

  close(code = 1000): void {
    if (this.closed) return;
    const p = Buffer.alloc(2);
    p.writeUInt16BE(code);
    this.write(OP.close, p);
    this.socket.end();
    // The peer answers the close; a peer that does not is cut off.
    setTimeout(() => this.finish(), 2000).unref();
  }
}
