// The port proxy process's state: the published ports it listens on, keyed by owner, and the
// control socket through which the network manager adds and removes them. The proxy binding a
// port is also what reserves it: a port in use anywhere on the host fails here, before any rule
// points at the container.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { jsonLines, type ProxyMapping, type ProxyReply, type ProxyRequest } from './proxy-protocol.js';
import { listenTcp } from './tcp-proxy.js';
import { listenUdp } from './udp-proxy.js';

interface Listener {
  mapping: ProxyMapping;
  close(): void;
}

export class ProxyServer {
  private readonly listeners: Listener[] = [];
  private control?: net.Server;

  constructor(private readonly onExit: () => void) {}

  async listen(socketPath: string): Promise<void> {
    fs.rmSync(socketPath, { force: true });
    const control = net.createServer((conn) => {
      // Requests are handled one at a time, so replies keep request order.
      let chain: Promise<void> = Promise.resolve();
      conn.on('error', () => undefined);
      conn.on(
        'data',
        jsonLines((msg) => {
          chain = chain.then(async () => {
            const reply = await this.handle(msg as ProxyRequest);
            if (!conn.destroyed) conn.write(`${JSON.stringify(reply)}\n`);
            if ((msg as ProxyRequest).op === 'exit') conn.end(() => this.exit());
          });
        }),
      );
    });
    await new Promise<void>((resolve, reject) => {
      control.once('error', reject);
      control.listen(socketPath, () => resolve());
    });
    fs.chmodSync(socketPath, 0o600);
    this.control = control;
  }

  private async handle(req: ProxyRequest): Promise<ProxyReply> {
    try {
      switch (req.op) {
        case 'add':
          return { id: req.id, ok: true, hostPort: await this.add(req) };
        case 'remove':
          return { id: req.id, ok: true, removed: this.remove(req.owner) };
        case 'list':
          return { id: req.id, ok: true, mappings: this.listeners.map((l) => l.mapping) };
        case 'exit':
          return { id: req.id, ok: true };
        default:
          return { id: (req as { id: number }).id, ok: false, code: 'EINVAL', message: 'unknown request' };
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { id: req.id, ok: false, code: e.code ?? 'EIO', message: e.message };
    }
  }

  private async add(m: ProxyMapping): Promise<number> {
    const same = this.listeners.find((l) => l.mapping.owner === m.owner && l.mapping.proto === m.proto && l.mapping.hostIp === m.hostIp && l.mapping.hostPort === m.hostPort && m.hostPort !== 0);
    if (same) return same.mapping.hostPort; // a retried add after a lost reply
    const target = { ip: m.targetIp, port: m.targetPort };
    if (m.proto === 'tcp') {
      const server = await listenTcp(m.hostIp, m.hostPort, target);
      const port = (server.address() as net.AddressInfo).port;
      this.listeners.push({ mapping: { ...m, hostPort: port }, close: () => server.close() });
      return port;
    }
    const udp = await listenUdp(m.hostIp, m.hostPort, target);
    this.listeners.push({ mapping: { ...m, hostPort: udp.port }, close: () => udp.close() });
    return udp.port;
  }

  private remove(owner: string): number {
    let removed = 0;
    for (let i = this.listeners.length - 1; i >= 0; i--) {
      const l = this.listeners[i];
      if (l?.mapping.owner !== owner) continue;
      l.close();
      this.listeners.splice(i, 1);
      removed++;
    }
    return removed;
  }

  private exit(): void {
    for (const l of this.listeners) l.close();
    this.listeners.length = 0;
    this.control?.close();
    this.onExit();
  }
}
