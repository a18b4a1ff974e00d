// The userland proxy in-process and as its own process, on the loopback of a private namespace.
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProxyClient, ProxyError } from '../../src/network/proxy/proxy-client.js';
import { isProxyProcess } from '../../src/network/proxy/proxy-process.js';
import { listenTcp } from '../../src/network/proxy/tcp-proxy.js';
import { listenUdp } from '../../src/network/proxy/udp-proxy.js';
import { enterPrivateNetns } from './helpers/private-netns.js';

let leave: () => void;
let tmp: string;
/** Closers run after each test, passed or failed, so no handle keeps jest alive. */
const after: (() => void)[] = [];

afterEach(() => {
  for (const close of after.splice(0)) close();
});

beforeAll(() => {
  leave = enterPrivateNetns();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'net-proxy-'));
});

afterAll(() => {
  leave();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/** A server that answers `got <n> bytes` once the client has half-closed. */
function countingServer(): net.Server {
  return net.createServer({ allowHalfOpen: true }, (c) => {
    let n = 0;
    c.on('data', (d: Buffer) => (n += d.length));
    c.on('end', () => c.end(`got ${n} bytes`));
  });
}

function request(port: number, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let out = '';
    c.on('data', (d: Buffer) => (out += d.toString()));
    c.on('end', () => resolve(out));
    c.on('error', reject);
    c.end(body);
  });
}

test.each([
  ['splice', true],
  ['streams', false],
])('TCP (%s): data both ways, half-close passes through, many connections', async (_name, splice) => {
  const backend = countingServer();
  const backendPort = await listen(backend);
  after.push(() => backend.close());
  const proxy = await listenTcp('127.0.0.1', 0, { ip: '127.0.0.1', port: backendPort }, { splice });
  after.push(() => proxy.close());
  const port = (proxy.address() as net.AddressInfo).port;
  const big = Buffer.alloc(4 * 1024 * 1024, 7);
  expect(await request(port, big)).toBe(`got ${big.length} bytes`);
  // Downloads: the server sends a lot after the client's half-close.
  const bulk = net.createServer({ allowHalfOpen: true }, (c) => c.resume().on('end', () => c.end(Buffer.alloc(8 * 1024 * 1024, 65))));
  after.push(() => bulk.close());
  const bulkProxy = await listenTcp('127.0.0.1', 0, { ip: '127.0.0.1', port: await listen(bulk) }, { splice });
  after.push(() => bulkProxy.close());
  const got = await request((bulkProxy.address() as net.AddressInfo).port, Buffer.from('give'));
  expect(got.length).toBe(8 * 1024 * 1024);
  expect(got === 'A'.repeat(8 * 1024 * 1024)).toBe(true);
  const many = await Promise.all(Array.from({ length: 20 }, (_, i) => request(port, Buffer.alloc(i * 100))));
  expect(many).toEqual(Array.from({ length: 20 }, (_, i) => `got ${i * 100} bytes`));
  // Nothing listening behind it: the client is reset, the proxy stays up.
  backend.close();
  await expect(request(port, Buffer.from('x'))).rejects.toThrow(/ECONNRESET/);
});

test('UDP: each client gets its own replies', async () => {
  const echo = dgram.createSocket('udp4');
  await new Promise<void>((r) => echo.bind(0, '127.0.0.1', r));
  echo.on('message', (m, from) => echo.send(Buffer.concat([Buffer.from('echo:'), m]), from.port, from.address));
  const proxy = await listenUdp('127.0.0.1', 0, { ip: '127.0.0.1', port: echo.address().port });
  after.push(() => proxy.close(), () => echo.close());
  const ask = async (text: string): Promise<string> => {
    const c = dgram.createSocket('udp4');
    const reply = new Promise<string>((r) => c.once('message', (m) => r(m.toString())));
    c.send(text, proxy.port, '127.0.0.1');
    const got = await reply;
    c.close();
    return got;
  };
  expect(await Promise.all([ask('one'), ask('two'), ask('three')])).toEqual(['echo:one', 'echo:two', 'echo:three']);
});

test('the proxy process: started on demand, add/list/remove, a port in use, stop', async () => {
  const backend = countingServer();
  const backendPort = await listen(backend);
  const client = new ProxyClient(tmp, []);
  after.push(() => backend.close(), () => void client.stop());
  expect(await client.running()).toBe(false);
  const port = await client.add({ owner: 'c1', proto: 'tcp', hostIp: '127.0.0.1', hostPort: 0, targetIp: '127.0.0.1', targetPort: backendPort });
  expect(port).toBeGreaterThan(0);
  expect(await client.running()).toBe(true);
  expect(await request(port, Buffer.from('hello'))).toBe('got 5 bytes');
  const udpPort = await client.add({ owner: 'c1', proto: 'udp', hostIp: '', hostPort: 0, targetIp: '127.0.0.1', targetPort: 9 });
  await expect(client.add({ owner: 'c2', proto: 'tcp', hostIp: '', hostPort: port, targetIp: '127.0.0.1', targetPort: 1 })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  await expect(client.add({ owner: 'c2', proto: 'tcp', hostIp: '10.99.99.99', hostPort: 0, targetIp: '127.0.0.1', targetPort: 1 })).rejects.toBeInstanceOf(ProxyError);
  expect((await client.list()).map((m) => [m.owner, m.proto, m.hostPort])).toEqual([
    ['c1', 'tcp', port],
    ['c1', 'udp', udpPort],
  ]);
  // A second client (a restarted daemon) finds the same process.
  const again = new ProxyClient(tmp, []);
  expect(await again.remove('c1')).toBe(2);
  again.disconnect();
  await expect(request(port, Buffer.from('x'))).rejects.toThrow();
  const pid = Number(fs.readFileSync(client.pidFile, 'utf8'));
  await client.stop();
  expect(isProxyProcess(pid)).toBe(false);
  expect(fs.existsSync(client.socketPath)).toBe(false);
});

test('a live proxy that no longer answers on its socket is replaced, not left holding its ports', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'stuck-'));
  const first = new ProxyClient(dir, []);
  const port = await first.add({ owner: 'c1', proto: 'tcp', hostIp: '127.0.0.1', hostPort: 0, targetIp: '127.0.0.1', targetPort: 9 });
  const stuck = Number(fs.readFileSync(first.pidFile, 'utf8'));
  first.disconnect();
  after.push(() => {
    if (isProxyProcess(stuck)) process.kill(stuck, 'SIGKILL');
  });
  expect(isProxyProcess(stuck)).toBe(true);
  fs.rmSync(first.socketPath); // alive, renamed to engine-proxy, unreachable
  const second = new ProxyClient(dir, []);
  after.push(() => void second.stop());
  expect(await second.add({ owner: 'c1', proto: 'tcp', hostIp: '127.0.0.1', hostPort: port, targetIp: '127.0.0.1', targetPort: 9 })).toBe(port);
  const replacement = Number(fs.readFileSync(second.pidFile, 'utf8'));
  expect(replacement).not.toBe(stuck);
  expect(isProxyProcess(stuck)).toBe(false);
  expect(isProxyProcess(replacement)).toBe(true);
  await second.stop();
  expect(isProxyProcess(replacement)).toBe(false);
});
