// The embedded DNS server: Docker's 127.0.0.11 inside each container on a user-defined network.
// This process serves every container; for each it holds a UDP socket and a TCP listener bound
// to 127.0.0.11:53 *inside the container's network namespace* (made there by setns, see
// netns-socket.ts), plus a UDP socket there for forwarding other names to the upstream servers, so
// forwarded queries leave from the container's own network as Docker's do.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { socketsInNetns } from '../host/netns-socket.js';
import { EMBEDDED_DNS_ADDRESS } from '../files/resolv-conf.js';
import type { DnsNetworkView } from './dns-answer.js';
import { RCODE, decodeMessage, encodeMessage, type DnsMessage } from './dns-message.js';
import { errorReply, respond } from './dns-responder.js';

export interface DnsSource {
  /** The networks the container is on, each with the peers it can resolve there. */
  views(containerId: string): DnsNetworkView[];
  upstreams(containerId: string): string[];
}

const UPSTREAM_TIMEOUT_MS = 2000;
const TCP_IDLE_MS = 10_000;
const UDP_MAX = 512;

type Reply = (msg: Buffer) => void;

class ContainerDns {
  private readonly pending = new Map<number, { reply: Reply; originalId: number; query: Buffer; tried: number; timer: NodeJS.Timeout }>();
  private readonly tcpConns = new Set<net.Socket>();

  constructor(
    private readonly containerId: string,
    private readonly source: DnsSource,
    private readonly udp: dgram.Socket,
    private readonly tcp: net.Server,
    private readonly upstream: dgram.Socket,
  ) {
    udp.on('message', (msg, from) => this.query(msg, (out) => udp.send(truncateForUdp(out), from.port, from.address)));
    udp.on('error', () => undefined);
    tcp.on('connection', (conn) => this.serveTcp(conn));
    tcp.on('error', () => undefined);
    upstream.on('message', (msg) => this.upstreamReply(msg));
    upstream.on('error', () => undefined);
  }

  close(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    for (const c of this.tcpConns) c.destroy();
    this.udp.close();
    this.tcp.close();
    this.upstream.close();
  }

  private serveTcp(conn: net.Socket): void {
    this.tcpConns.add(conn);
    conn.setTimeout(TCP_IDLE_MS, () => conn.destroy());
    conn.on('close', () => this.tcpConns.delete(conn));
    conn.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    conn.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        this.query(msg, (out) => {
          if (conn.destroyed) return;
          const head = Buffer.alloc(2);
          head.writeUInt16BE(out.length);
          conn.write(Buffer.concat([head, out]));
        });
      }
    });
  }

  private query(raw: Buffer, reply: Reply): void {
    const action = respond(raw, () => this.source.views(this.containerId));
    if (action.kind === 'reply') reply(action.packet);
    else if (action.kind === 'forward') this.forward(raw, action.query, reply, 0);
  }

  private forward(raw: Buffer, msg: DnsMessage, reply: Reply, tried: number): void {
    const upstreams = this.source.upstreams(this.containerId);
    const server = upstreams[tried];
    if (!server) return reply(errorReply(msg.id, msg.flags, RCODE.SERVFAIL));
    let id: number;
    do id = Math.floor(Math.random() * 0x10000);
    while (this.pending.has(id));
    const query = Buffer.from(raw);
    query.writeUInt16BE(id, 0);
    const timer = setTimeout(() => {
      this.pending.delete(id);
      this.forward(raw, msg, reply, tried + 1);
    }, UPSTREAM_TIMEOUT_MS);
    this.pending.set(id, { reply, originalId: msg.id, query, tried, timer });
    this.upstream.send(query, 53, server, (err) => {
      if (!err) return;
      clearTimeout(timer);
      this.pending.delete(id);
      this.forward(raw, msg, reply, tried + 1);
    });
  }

  private upstreamReply(msg: Buffer): void {
    if (msg.length < 12) return;
    const p = this.pending.get(msg.readUInt16BE(0));
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(msg.readUInt16BE(0));
    const out = Buffer.from(msg);
    out.writeUInt16BE(p.originalId, 0);
    p.reply(out);
  }
}

/** Over UDP, a reply longer than 512 octets is cut to its header and question with TC set. */
function truncateForUdp(out: Buffer): Buffer {
  if (out.length <= UDP_MAX) return out;
  try {
    const msg = decodeMessage(out);
    return encodeMessage({ ...msg, flags: msg.flags | 0x0200, answers: [], authorities: [], additionals: [] });
  } catch {
    return out.subarray(0, UDP_MAX);
  }
}

export class EmbeddedDns {
  private readonly servers = new Map<string, ContainerDns>();

  constructor(private readonly source: DnsSource) {}

  has(containerId: string): boolean {
    return this.servers.has(containerId);
  }

  /** Starts answering inside the container's namespace (no-op when already serving it). */
  async serve(containerId: string, netnsPath: string): Promise<void> {
    if (this.servers.has(containerId)) return;
    const [udpFd, tcpFd, upFd] = socketsInNetns(netnsPath, [
      { kind: 'udp', ip: EMBEDDED_DNS_ADDRESS, port: 53 },
      { kind: 'tcp', ip: EMBEDDED_DNS_ADDRESS, port: 53 },
      { kind: 'udp', ip: '0.0.0.0', port: 0 },
    ]);
    const udp = dgram.createSocket('udp4');
    const upstream = dgram.createSocket('udp4');
    const tcp = net.createServer();
    await Promise.all([
      new Promise<void>((resolve) => udp.bind({ fd: udpFd! }, resolve)),
      new Promise<void>((resolve) => upstream.bind({ fd: upFd! }, resolve)),
      new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ fd: tcpFd! }, () => resolve());
      }),
    ]);
    // A container's DNS must not keep the daemon alive by itself.
    udp.unref();
    upstream.unref();
    tcp.unref();
    this.servers.set(containerId, new ContainerDns(containerId, this.source, udp, tcp, upstream));
  }

  stop(containerId: string): void {
    this.servers.get(containerId)?.close();
    this.servers.delete(containerId);
  }

  close(): void {
    for (const id of [...this.servers.keys()]) this.stop(id);
  }
}
