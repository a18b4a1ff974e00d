// A WebSocket client for streaming tests: the upgrade handshake by hand, then the project's own
// framing (client side, masked); messages are collected per channel (first byte).
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { acceptKey, WebSocketConn, type WsMessage } from '../../src/cri/streaming/websocket.js';

export interface ChannelClient {
  ws: WebSocketConn;
  protocol: string;
  /** Bytes received per channel, the channel byte stripped. */
  channels: Map<number, Buffer>;
  send(channel: number, data: Buffer | string): void;
  closed: Promise<void>;
}

export function connectChannels(url: string, protocols: string[], headers: Record<string, string> = {}): Promise<ChannelClient> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key, ...(protocols.length ? { 'Sec-WebSocket-Protocol': protocols.join(', ') } : {}), ...headers },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body.trim()}`), { status: res.statusCode, body })));
    });
    req.on('error', reject);
    req.on('upgrade', (res, socket, head) => {
      if (res.headers['sec-websocket-accept'] !== acceptKey(key)) return reject(new Error('bad Sec-WebSocket-Accept'));
      const ws = new WebSocketConn(socket, true, head);
      const channels = new Map<number, Buffer>();
      ws.on('message', (m: WsMessage) => {
        const ch = m.data[0] as number;
        channels.set(ch, Buffer.concat([channels.get(ch) ?? Buffer.alloc(0), m.data.subarray(1)]));
      });
      resolve({
        ws,
        protocol: String(res.headers['sec-websocket-protocol'] ?? ''),
        channels,
        send: (channel, data) => void ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)])),
        closed: new Promise((r) => ws.once('close', () => r())),
      });
    });
    req.end();
  });
}
