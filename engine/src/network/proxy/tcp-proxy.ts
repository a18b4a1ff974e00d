// A published TCP port served in user space: each accepted connection is joined to a new one to
// the container, with splice(2) where available (splice-relay.ts) and through Node streams
// otherwise. Half-closes pass through either way, so request/response protocols that shut down
// their write side still get their answer; a refused connection to the container resets the client.
import * as net from 'node:net';
import { spliceAvailable, spliceRelay } from './splice-relay.js';

export interface Target {
  ip: string;
  port: number;
}

let useSplice: boolean | undefined;

export function listenTcp(hostIp: string, hostPort: number, target: Target, opts: { splice?: boolean } = {}): Promise<net.Server> {
  useSplice ??= spliceAvailable();
  const server = opts.splice ?? useSplice ? net.createServer({ pauseOnConnect: true }, (client) => spliceRelay(client, target.ip, target.port)) : streamServer(target);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: hostIp || '0.0.0.0', port: hostPort, exclusive: true, backlog: 511 }, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      resolve(server);
    });
  });
}

function streamServer(target: Target): net.Server {
  return net.createServer({ allowHalfOpen: true, noDelay: true, highWaterMark: 1 << 20 }, (client) => {
    const upstream = net.connect({ host: target.ip, port: target.port, allowHalfOpen: true, noDelay: true });
    const destroyBoth = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', destroyBoth);
    // The container refused or dropped the connection: reset the client too, as a direct
    // connection would have been, rather than closing it as if the answer were empty.
    upstream.on('error', () => {
      client.resetAndDestroy();
      upstream.destroy();
    });
    // Each socket closes itself once it has received and sent its end and flushed what it was
    // given; destroying the other one then could drop data it still has to write. Only a broken
    // socket takes its peer down.
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', (hadError) => hadError && upstream.destroy());
    upstream.on('close', (hadError) => hadError && client.destroy());
  });
}
