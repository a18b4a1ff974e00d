// Execs with a terminal that write as fast as they can (issue 15: `ctr-ts tasks exec -t … seq 1 1000000`
// was left a zombie, its task RUNNING after SIGKILL): they are reaped and their exit reported, the
// shim answers meanwhile, and an attached client that stops reading holds the output back (as a
// full FIFO would) instead of growing the shim's memory without bound.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { AsyncQueue } from '@stack/proto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { AttachRequestSchema, AttachResponse } from '@stack/proto/gen/stack/tasks/v1/streams_pb';
import { Status } from '@stack/proto/gen/containerd/types/task/task_pb';
import { ShimFixture } from './helpers/shim-fixture.js';

jest.setTimeout(120_000);

const fx = new ShimFixture();
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

/** What `seq 1 n` prints on a terminal: each number, then \r\n. */
const seqBytes = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1).length + 2).reduce((a, b) => a + b, 0);
const processSpec = (args: string[]) => ({
  typeUrl: 'types.containerd.io/opencontainers/runtime-spec/1/Process',
  value: Buffer.from(JSON.stringify({ args, cwd: '/', env: ['PATH=/bin'], user: { uid: 0, gid: 0 }, terminal: true })),
});

async function sleeper(): Promise<string> {
  const b = await fx.bundle(['sleep', '300']);
  await fx.task.create({ id: b.id, bundle: b.dir });
  await fx.task.start({ id: b.id });
  return b.id;
}

async function killAndDelete(id: string): Promise<void> {
  await fx.task.kill({ id, signal: 9 });
  expect((await fx.task.wait({ id })).exitStatus).toBe(137);
  expect((await fx.task.state({ id })).status).toBe(Status.STOPPED);
  await fx.task.delete({ id });
}

function rssKb(): number {
  const line = fs.readFileSync(`/proc/${fx.shimPid()}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1]);
}

/** Attaches to an exec (stdin attach:), starts it once attached; the caller pulls the responses. */
async function attachAndStart(id: string, execId: string): Promise<{ responses: AsyncIterator<AttachResponse>; requests: AsyncQueue<MessageInitShape<typeof AttachRequestSchema>> }> {
  const requests = new AsyncQueue<MessageInitShape<typeof AttachRequestSchema>>();
  requests.push({ kind: { case: 'open', value: { containerId: id, execId, stdin: true, stdout: true } } });
  const responses = fx.streams.attach(requests)[Symbol.asyncIterator]();
  const first = await responses.next();
  expect(first.value?.kind.case).toBe('attached');
  await fx.task.start({ id, execId });
  return { responses, requests };
}

test('exec -t seq 1 200000 into a FIFO (as stock ctr passes it): reaped, exit 0, every byte', async () => {
  const id = await sleeper();
  const fifo = path.join(fx.tmp, `${id}-exec-out`);
  execFileSync('mkfifo', [fifo]);
  // A socket over the FIFO (not an fs stream, whose pending read would hold a thread after the test).
  const reader = new net.Socket({ fd: fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK), readable: true, writable: false });
  let bytes = 0;
  reader.on('data', (d) => (bytes += (d as Buffer).length));
  await fx.task.exec({ id, execId: 'x', terminal: true, stdout: fifo, spec: processSpec(['seq', '1', '200000']) });
  await fx.task.start({ id, execId: 'x' });
  expect((await fx.task.wait({ id, execId: 'x' })).exitStatus).toBe(0);
  while (bytes < seqBytes(200_000)) await new Promise((r) => setTimeout(r, 50)); // the FIFO may still hold the tail
  reader.destroy();
  expect(bytes).toBe(seqBytes(200_000));
  await fx.task.delete({ id, execId: 'x' });
  await killAndDelete(id);
});

test('exec -t seq 1 1000000 attached (as ctr-ts tasks exec -t): every byte, then the exit', async () => {
  const id = await sleeper();
  await fx.task.exec({ id, execId: 'x', terminal: true, stdin: 'attach:', spec: processSpec(['seq', '1', '1000000']) });
  const { responses, requests } = await attachAndStart(id, 'x');
  let bytes = 0;
  let exit: number | undefined;
  for (let r = await responses.next(); !r.done; r = await responses.next()) {
    if (r.value.kind.case === 'stdout') bytes += r.value.kind.value.length;
    if (r.value.kind.case === 'exit') exit = r.value.kind.value.exitStatus;
  }
  requests.end();
  expect({ bytes, exit }).toEqual({ bytes: seqBytes(1_000_000), exit: 0 });
  expect((await fx.task.wait({ id, execId: 'x' })).exitStatus).toBe(0);
  await fx.task.delete({ id, execId: 'x' });
  await killAndDelete(id);
});

test('endless output to a client that stops reading: held back, the shim stays small and answers, SIGKILL reaps', async () => {
  const id = await sleeper();
  const log = fx.logPath(`${id}-yes`);
  await fx.task.exec({ id, execId: 'y', terminal: true, stdin: 'attach:', stdout: `jsonlog://${log}`, spec: processSpec(['yes', '0123456789abcdefghijklmnopqrstuvwxyz']) });
  const before = rssKb();
  const { responses, requests } = await attachAndStart(id, 'y');
  // The client reads nothing more: once its backlog is full the output stops (the log stops growing).
  let size = -1;
  while (fs.existsSync(log) && fs.statSync(log).size !== size) {
    size = fs.statSync(log).size;
    await new Promise((r) => setTimeout(r, 1000));
  }
  expect(rssKb() - before).toBeLessThan(48 * 1024);
  expect((await fx.task.state({ id, execId: 'y' })).status).toBe(Status.RUNNING);
  // Reading again lets it go on.
  for (let got = 0; got < 4 * 1024 * 1024; ) {
    const r = await responses.next();
    if (r.value?.kind.case === 'stdout') got += r.value.kind.value.length;
  }
  expect(fs.statSync(log).size).toBeGreaterThan(size);
  await fx.task.kill({ id, execId: 'y', signal: 9 });
  let exit: number | undefined;
  for (let r = await responses.next(); !r.done; r = await responses.next()) if (r.value.kind.case === 'exit') exit = r.value.kind.value.exitStatus;
  requests.end();
  expect(exit).toBe(137);
  expect((await fx.task.wait({ id, execId: 'y' })).exitStatus).toBe(137);
  await fx.task.delete({ id, execId: 'y' });
  await killAndDelete(id);
});
