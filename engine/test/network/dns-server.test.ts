// The embedded DNS server, serving inside a namespace of the test's own (as it does inside a
// container's): answers over UDP and TCP, forwarding to an upstream, SERVFAIL without one,
// truncation over UDP, malformed queries.
import { execFile, spawnSync } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DnsNetworkView } from '../../src/network/dns/dns-answer.js';
import { CLASS_IN, RCODE, TYPE, aData, decodeMessage, encodeMessage, flag, readAData, type DnsMessage } from '../../src/network/dns/dns-message.js';
import { EmbeddedDns } from '../../src/network/dns/embedded-dns.js';
import { createNetns, removeNetns } from '../../src/network/host/netns.js';
import { socketsInNetns } from '../../src/network/host/netns-socket.js';
import { mutate, prng, seeds, traps } from './helpers/dns-mutations.js';

let tmp: string;
let ns: string;
let dns: EmbeddedDns;
const views: DnsNetworkView[] = [{ network: 'net1', peers: [{ names: ['web', 'www'], ip: '10.1.0.2' }] }];
let upstreams: string[] = [];
const sockets: dgram.Socket[] = [];

/** A UDP socket of the test inside the namespace. */
async function nsSocket(ip: string, port: number): Promise<dgram.Socket> {
  const [fd] = socketsInNetns(ns, [{ kind: 'udp', ip, port }]);
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind({ fd: fd! }, r));
  sockets.push(s);
  return s;
}

function query(name: string, type: number, id = 42): Buffer {
  return encodeMessage({ id, flags: 0x0100, questions: [{ name, type, class: CLASS_IN }], answers: [], authorities: [], additionals: [] });
}

async function ask(msg: Buffer): Promise<DnsMessage> {
  const s = await nsSocket('127.0.0.1', 0);
  const reply = new Promise<Buffer>((r) => s.once('message', r));
  s.send(msg, 53, '127.0.0.11');
  return decodeMessage(await reply);
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'net-dns-'));
  ns = path.join(tmp, 'ns');
  createNetns(ns);
  const up = execFileSyncInNs(['ip', 'link', 'set', 'lo', 'up']);
  expect(up).toBe(0);
  dns = new EmbeddedDns({ views: () => views, upstreams: () => upstreams });
});

afterAll(() => {
  dns.close();
  for (const s of sockets) s.close();
  removeNetns(ns);
  fs.rmSync(tmp, { recursive: true, force: true });
});

function execFileSyncInNs(argv: string[]): number {
  return spawnSync('nsenter', [`--net=${ns}`, '--', ...argv]).status ?? -1;
}

test('answers names it owns over UDP, and is idempotent to start', async () => {
  await dns.serve('c1', ns);
  await dns.serve('c1', ns);
  const r = await ask(query('WWW', TYPE.A, 7));
  expect(r.id).toBe(7);
  expect(flag.rcode(r.flags)).toBe(RCODE.NOERROR);
  expect(r.answers.map((a) => readAData(a.data))).toEqual(['10.1.0.2']);
  // And it is not reachable from outside that namespace.
  const outside = dgram.createSocket('udp4');
  const got = await new Promise<string>((resolve) => {
    outside.once('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? 'error'));
    outside.once('message', () => resolve('answered'));
    outside.send(query('web', TYPE.A), 53, '127.0.0.11', () => setTimeout(() => resolve('silence'), 300));
  });
  outside.close();
  expect(got).not.toBe('answered');
});

test('answers over TCP (busybox has no TCP client: node runs inside the namespace)', async () => {
  const script = `
    const s = require('net').connect(53, '127.0.0.11');
    const q = Buffer.from('${query('web', TYPE.A, 9).toString('hex')}', 'hex');
    const len = Buffer.alloc(2); len.writeUInt16BE(q.length);
    s.end(Buffer.concat([len, q]));
    let b = Buffer.alloc(0); s.on('data', (d) => { b = Buffer.concat([b, d]); if (b.length >= 2 && b.length >= 2 + b.readUInt16BE(0)) { process.stdout.write(b.subarray(2).toString('hex')); s.destroy(); } });`;
  const out = await new Promise<string>((resolve, reject) =>
    execFile('nsenter', [`--net=${ns}`, '--', process.execPath, '-e', script], (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
  const r = decodeMessage(Buffer.from(out, 'hex'));
  expect(r.id).toBe(9);
  expect(r.answers.map((a) => readAData(a.data))).toEqual(['10.1.0.2']);
});

test('forwards other names upstream, SERVFAIL when there is none', async () => {
  upstreams = [];
  expect(flag.rcode((await ask(query('example.com', TYPE.A))).flags)).toBe(RCODE.SERVFAIL);

  const upstream = await nsSocket('127.0.0.1', 53);
  upstream.on('message', (m, from) => {
    const q = decodeMessage(m);
    const reply = encodeMessage({ ...q, flags: 0x8180, answers: [{ name: q.questions[0]!.name, type: TYPE.A, class: CLASS_IN, ttl: 30, data: aData('192.0.2.7') }] });
    upstream.send(reply, from.port, from.address);
  });
  upstreams = ['127.0.0.1'];
  const r = await ask(query('example.com', TYPE.A, 1234));
  expect(r.id).toBe(1234);
  expect(r.answers.map((a) => readAData(a.data))).toEqual(['192.0.2.7']);
});

test('a flood of malformed packets over UDP and TCP leaves the server answering', async () => {
  const rand = prng(7);
  const corpus = seeds();
  const packets = [...traps(), ...Array.from({ length: 500 }, () => mutate(corpus[Math.floor(rand() * corpus.length)]!, rand))];
  const s = await nsSocket('127.0.0.1', 0);
  for (const p of packets) await new Promise<void>((r) => s.send(p, 53, '127.0.0.11', () => r()));
  // Over TCP: frames of the same packets, then one whose length claims more than is sent, cut off.
  const frames = Buffer.concat([...packets.slice(0, 100).map((p) => Buffer.concat([Buffer.from([p.length >> 8, p.length & 0xff]), p])), Buffer.from([0xff, 0xff, 1, 2, 3])]);
  const script = `const c = require('net').connect(53, '127.0.0.11'); c.on('error', () => {}); c.end(Buffer.from('${frames.toString('hex')}', 'hex')); c.resume(); c.on('close', () => process.exit(0));`;
  await new Promise<void>((resolve, reject) => execFile('nsenter', [`--net=${ns}`, '--', process.execPath, '-e', script], (err) => (err ? reject(err) : resolve())));
  const r = await ask(query('web', TYPE.A, 77));
  expect(r.id).toBe(77);
  expect(r.answers.map((a) => readAData(a.data))).toEqual(['10.1.0.2']);
});

test('long answers are truncated over UDP; malformed queries get FORMERR', async () => {
  views[0]!.peers = Array.from({ length: 60 }, (_, i) => ({ names: ['many'], ip: `10.1.1.${i + 1}` }));
  const r = await ask(query('many', TYPE.A));
  expect(flag.tc(r.flags)).toBe(true);
  expect(r.answers).toEqual([]);
  const bad = Buffer.from(query('web', TYPE.A)).subarray(0, 15);
  const f = await ask(bad);
  expect(flag.rcode(f.flags)).toBe(RCODE.FORMERR);
  dns.stop('c1');
});
