// The streaming server's WebSocket framing (RFC 6455) and exec status, without a daemon: accept key,
// frame lengths (7-bit, 16-bit, 64-bit), masking, fragments joined, ping answered, close handshake.
import { PassThrough } from 'node:stream';
import { execStatus } from '../src/cri/streaming/exec-channels.js';
import { acceptKey, encodeFrame, OP, WebSocketConn, type WsMessage } from '../src/cri/streaming/websocket.js';

test('the accept key of RFC 6455 section 1.3', () => {
  expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('frames of every length class, masked by the client, read by the server; fragments joined; ping answered', async () => {
  const wire = new PassThrough();
  const back: Buffer[] = [];
  const sock = Object.assign(wire, { write: (b: Buffer) => (back.push(b), true) }) as unknown as PassThrough;
  const server = new WebSocketConn(sock, false);
  const got: WsMessage[] = [];
  server.on('message', (m: WsMessage) => got.push(m));
  for (const n of [5, 300, 70000]) wire.emit('data', encodeFrame(OP.binary, Buffer.alloc(n, n & 0xff), true));
  // A text message in two fragments, split across reads.
  const first = encodeFrame(OP.text, Buffer.from('hel'), true);
  first[0] = (first[0] as number) & 0x7f; // not final
  const second = encodeFrame(OP.continuation, Buffer.from('lo'), true);
  const both = Buffer.concat([first, second]);
  wire.emit('data', both.subarray(0, 3));
  wire.emit('data', both.subarray(3));
  wire.emit('data', encodeFrame(OP.ping, Buffer.from('p'), true));
  await new Promise((r) => setImmediate(r));
  expect(got.map((m) => [m.data.length, m.binary])).toEqual([[5, true], [300, true], [70000, true], [5, false]]);
  expect(got[3]?.data.toString()).toBe('hello');
  expect(back.at(-1)).toEqual(encodeFrame(OP.pong, Buffer.from('p'), false));
  // An unmasked frame from a client is a protocol error: the server closes with 1002.
  wire.emit('data', encodeFrame(OP.binary, Buffer.from('x'), false));
  expect(back.at(-1)).toEqual(Buffer.from([0x88, 2, 0x03, 0xea]));
});

test('exec status per protocol', () => {
  expect(execStatus('channel.k8s.io', ['true'], 0)).toBeUndefined();
  expect(execStatus('channel.k8s.io', ['false'], 1)?.toString()).toBe('command terminated with non-zero exit code: error executing command ["false"], exit code 1');
  expect(JSON.parse(execStatus('v4.channel.k8s.io', ['true'], 0)?.toString() ?? '')).toEqual({ metadata: {}, status: 'Success' });
  expect(JSON.parse(execStatus('v5.channel.k8s.io', ['false'], 2)?.toString() ?? '')).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '2' }] } });
});
