// A published TCP port served in user space: each accepted connection is joined to a new one to
// the container. Half-closes pass through (allowHalfOpen), so request/response protocols that
// shut down their write side still get their answer.
import * as net from 'node:net';

export interface Target {
  ip: string;
  port: number;
}

export function listenTcp(hostIp: string, hostPort: number, target: Target): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
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
    client.pipe(upstream);
    upstream.pipe(client);
    // Once both directions have ended, nothing more can flow.
    let ended = 0;
    const onEnd = (): void => {
      if (++ended === 2) destroyBoth();
    };
    client.on('end', onEnd);
    upstream.on('end', onEnd);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: hostIp || '0.0.0.0', port: hostPort, exclusive: true, backlog: 511 }, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      resolve(server);
    });
  });
}
