import * as net from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the caller retries if it loses the race). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      server.close(() => {
        if (addr && typeof addr === 'object') resolve(addr.port);
        else reject(new Error('could not learn the port of a loopback listener'));
      });
    });
  });
}
