// Makes a service on the test's own loopback (a registry fixture) reachable at the same address
// inside a stack's network namespace: a listener made there (by fd, see netns-socket.ts) whose
// connections this process relays to 127.0.0.1:port here.
import * as net from 'node:net';
import { socketsInNetns } from '../../src/network/host/netns-socket.js';

export async function forwardLoopbackPort(netnsPath: string, port: number): Promise<() => void> {
  const [fd] = socketsInNetns(netnsPath, [{ kind: 'tcp', ip: '127.0.0.1', port }]);
  const open = new Set<net.Socket>();
  const server = net.createServer((inner) => {
    const outer = net.connect(port, '127.0.0.1');
    for (const sock of [inner, outer]) {
      open.add(sock);
      sock.on('close', () => open.delete(sock));
      sock.on('error', () => {
        inner.destroy();
        outer.destroy();
      });
    }
    inner.pipe(outer).pipe(inner);
  });
  await new Promise<void>((resolve) => server.listen({ fd: fd! }, resolve));
  server.unref();
  return () => {
    for (const sock of open) sock.destroy();
    server.close();
  };
}
