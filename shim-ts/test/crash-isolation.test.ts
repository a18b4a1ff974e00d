// One client, stream or call must never end the shim (issue 13): each of these used to kill the shim
// process, and with it every container of its group. A bystander container must live through all.
import * as fs from 'node:fs';
import { Code } from '@stack/proto';
import { Status } from '@stack/proto/gen/containerd/types/task/task_pb';
import { LAST_RESORT_MARK } from '../src/daemon/last-resort.js';
import { shimPaths } from '../src/daemon/shim-paths.js';
import { attach, attachFromChild } from './helpers/attach-client.js';
import { ShimFixture } from './helpers/shim-fixture.js';

jest.setTimeout(60_000);

const fx = new ShimFixture();
let bystander: { id: string; pid: number };
let shimPid: number;
beforeAll(async () => {
  await fx.init();
  shimPid = fx.shimPid();
  bystander = await run(['sleep', '600']);
});
afterAll(() => fx.cleanup());

async function run(args: string[], stdin = 'attach:'): Promise<{ id: string; pid: number }> {
  const b = await fx.bundle(args);
  const log = `jsonlog://${fx.logPath(b.id)}`;
  const { pid } = await fx.task.create({ id: b.id, bundle: b.dir, stdin, stdout: log, stderr: log });
  await fx.task.start({ id: b.id });
  return { id: b.id, pid };
}

async function killAndDelete(id: string): Promise<number> {
  await fx.task.kill({ id, signal: 9 });
  const w = await fx.task.wait({ id });
  await fx.task.delete({ id });
  return w.exitStatus;
}

afterEach(async () => {
  // The same shim process serves, the bystander still runs, and no error needed the last resort.
  expect(fx.shimPid()).toBe(shimPid);
  expect(() => process.kill(shimPid, 0)).not.toThrow();
  expect((await fx.task.state({ id: bystander.id })).status).toBe(Status.RUNNING);
  expect(fs.readFileSync(shimPaths(fx.stateDir, fx.group).logFile, 'utf8')).not.toContain(LAST_RESORT_MARK);
});

test('an attach cancelled before its process exits (the exit comes after the stream ended)', async () => {
  const t = await run(['sleep', '600']);
  const a = attach(fx, t.id);
  await new Promise((r) => setTimeout(r, 200));
  a.cancel();
  expect((await a.done).error).toMatchObject({ code: Code.CANCELLED });
  expect(await killAndDelete(t.id)).toBe(137);
});

test('attaches cancelled while output floods in', async () => {
  const t = await run(['sh', '-c', 'while :; do echo 0123456789abcdefghijklmnopqrstuvwxyz; done']);
  for (let i = 0; i < 20; i++) {
    const a = attach(fx, t.id);
    await new Promise((r) => setTimeout(r, 20 + i * 5));
    a.cancel();
    await a.done;
  }
  expect(await killAndDelete(t.id)).toBe(137);
});

test('a client process killed while attached (its connection drops), then the process exits', async () => {
  const t = await run(['sh', '-c', 'while read l; do echo "$l"; done']);
  const client = await attachFromChild(fx, shimPaths(fx.stateDir, fx.group).socket, t.id);
  client.kill('SIGKILL');
  await new Promise((r) => client.once('exit', r));
  expect(await killAndDelete(t.id)).toBe(137);
});

test('attach misuse: no open first, an unknown process, stdin and resize after the exit', async () => {
  const bad = attach(fx, 'no-such-task');
  expect((await bad.done).error).toMatchObject({ code: Code.NOT_FOUND });
  const t = await run(['sh', '-c', 'read l; echo "$l"']);
  const a = attach(fx, t.id);
  a.requests.push({ kind: { case: 'resize', value: { width: 80, height: 24 } } }); // no terminal: ignored
  a.requests.push({ kind: { case: 'stdin', value: Buffer.from('hi\n') } });
  const r = await a.done;
  expect(r).toMatchObject({ exit: 0, error: undefined });
  a.requests.push({ kind: { case: 'stdin', value: Buffer.from('late\n') } }); // dropped, not thrown
  await fx.task.delete({ id: t.id });
});

test('wait calls cancelled and events streams dropped while a process exits', async () => {
  const t = await run(['sleep', '600']);
  const acs = Array.from({ length: 10 }, () => new AbortController());
  const waits = acs.map((ac) => fx.task.wait({ id: t.id }, { signal: ac.signal }).catch((e: unknown) => e));
  const events = Array.from({ length: 5 }, () => new AbortController());
  const evs = events.map(async (ac) => {
    try {
      for await (const e of fx.streams.events({ afterSeq: 0n }, { signal: ac.signal })) void e;
    } catch {
      // cancelled
    }
  });
  await new Promise((r) => setTimeout(r, 100));
  for (const ac of [...acs.slice(0, 5), ...events]) ac.abort();
  await fx.task.kill({ id: t.id, signal: 9 });
  const results = await Promise.all(waits);
  expect(results.slice(0, 5).every((e) => (e as { code?: number }).code === Code.CANCELLED)).toBe(true);
  expect(results.slice(5).every((e) => (e as { exitStatus?: number }).exitStatus === 137)).toBe(true);
  await Promise.all(evs);
  await fx.task.delete({ id: t.id });
});

test('Kill of an exec that was added but never started is refused (it has no pid: kill(0) signalled the shim itself)', async () => {
  const t = await run(['sleep', '600']);
  await fx.task.exec({ id: t.id, execId: 'never', spec: { typeUrl: 'types.containerd.io/opencontainers/runtime-spec/1/Process', value: Buffer.from(JSON.stringify({ args: ['true'], cwd: '/', env: [], user: { uid: 0, gid: 0 } })) } });
  await expect(fx.task.kill({ id: t.id, execId: 'never', signal: 9 })).rejects.toMatchObject({ code: Code.FAILED_PRECONDITION, message: expect.stringContaining('not created') });
  await fx.task.delete({ id: t.id, execId: 'never' });
  expect(await killAndDelete(t.id)).toBe(137);
});
