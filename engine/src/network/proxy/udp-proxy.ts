// A published UDP port served in user space. Each client address gets a socket of its own toward
// the container, so replies find their way back; an idle flow is forgotten after 90 s (the
// conntrack timeout Docker's proxy uses too).
import * as dgram from 'node:dgram';
import type { Target } from './tcp-proxy.js';

const FLOW_IDLE_MS = 90_000;

export interface UdpProxy {
  port: number;
  close(): void;
}

export function listenUdp(hostIp: string, hostPort: number, target: Target): Promise<UdpProxy> {
  const front = dgram.createSocket({ type: 'udp4' });
  const flows = new Map<string, { socket: dgram.Socket; timer: NodeJS.Timeout }>();

  const forget = (key: string): void => {
    const flow = flows.get(key);
    if (!flow) return;
    clearTimeout(flow.timer);
    flow.socket.close();
    flows.delete(key);
  };

  front.on('message', (msg, from) => {
    const key = `${from.address}:${from.port}`;
    let flow = flows.get(key);
    if (!flow) {
      const socket = dgram.createSocket({ type: 'udp4' });
      socket.on('message', (reply, rinfo) => {
        if (rinfo.address === target.ip && rinfo.port === target.port) front.send(reply, from.port, from.address);
      });
      socket.on('error', () => forget(key));
      flow = { socket, timer: setTimeout(() => forget(key), FLOW_IDLE_MS) };
      flows.set(key, flow);
    }
    flow.timer.refresh();
    flow.socket.send(msg, target.port, target.ip);
  });

  return new Promise((resolve, reject) => {
    front.once('error', reject);
    front.bind({ address: hostIp || '0.0.0.0', port: hostPort, exclusive: true }, () => {
      front.off('error', reject);
      front.on('error', () => undefined);
      resolve({
        port: front.address().port,
        close() {
          for (const key of [...flows.keys()]) forget(key);
          front.close();
        },
      });
    });
  });
}
