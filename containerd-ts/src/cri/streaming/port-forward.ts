// PortForward over a WebSocket channel protocol (v4.channel.k8s.io, as kubelet's websocket port
// forwarding): for the i-th requested port, channel 2i carries data and 2i+1 errors, and each opens
// with the port as two little-endian bytes. The connection is made to 127.0.0.1:<port> inside the pod's
// network namespace (the socket is created there), so it reaches what listens on the pod's localhost.
import * as net from 'node:net';
import { tcpSocketIn } from '../../core/sys/linux.js';
import type { WebSocketConn } from './websocket.js';

const portHeader = (ch: number, port: number) => Buffer.from([ch, port & 0xff, port >> 8]);

export function parsePorts(url: URL, fallback: number[]): number[] {
  const q = url.searchParams.getAll('port');
  const ports = q.length ? q.map((p) => Number(p)) : fallback;
  for (const p of ports) if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`invalid port ${JSON.stringify(String(p))}`);
  return ports;
}

export function servePortForward(ws: WebSocketConn, netnsPath: string, ports: number[]): void {
  const conns: net.Socket[] = [];
  ports.forEach((port, i) => {
    const data = 2 * i;
    const error = data + 1;
    ws.send(portHeader(data, port));
    ws.send(portHeader(error, port));
    let sock: net.Socket;
    try {
      sock = new net.Socket({ fd: tcpSocketIn(netnsPath), readable: true, writable: true });
    } catch (err) {
      ws.send(Buffer.concat([Buffer.from([error]), Buffer.from(`failed to enter the pod's network namespace: ${(err as Error).message}`)]));
      return;
    }
    conns[i] = sock;
    sock.connect(port, '127.0.0.1');
    sock.on('data', (d: Buffer) => {
      if (!ws.send(Buffer.concat([Buffer.from([data]), d]))) {
        sock.pause();
        void ws.drained().then(() => sock.resume());
      }
    });
    sock.on('error', (err) => ws.send(Buffer.concat([Buffer.from([error]), Buffer.from(`error forwarding port ${port} to pod: ${err.message}`)])));
    sock.on('close', () => {
      // With every connection of the request gone, the stream ends.
      if (conns.every((c) => c.destroyed)) ws.close();
    });
  });
  ws.on('message', ({ data }: { data: Buffer }) => {
    const ch = data[0] ?? 0;
    if (ch % 2 !== 0) return; // errors are the server's to send
    conns[ch / 2]?.write(data.subarray(1));
  });
  ws.once('close', () => {
    for (const c of conns) c?.destroy();
  });
}
