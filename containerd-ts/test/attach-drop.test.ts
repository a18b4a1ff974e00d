// Issue 13's repros through containerd-ts: ctr-ts clients attached to a task or an exec are killed
// in the middle of the output (their connection drops; containerd-ts cancels its stream to the
// shim), then the processes exit. The namespace's shim must stay the same process and a bystander
// container must keep running (the shim used to die with "AsyncQueue: push after end").
import { spawn } from 'node:child_process';
import { Status } from '@stack/proto/gen/containerd/types/task/task_pb';
import { CTR_TS_BIN } from './support/daemon.js';
import { IMAGE, shimPids, startTaskFixture, type TaskFixture } from './support/tasks.js';

jest.setTimeout(120_000);

let f: TaskFixture;
beforeAll(async () => {
  f = await startTaskFixture('drop');
});
afterAll(() => f?.cleanup());

const ok = async (args: string[]) => {
  const r = await f.ctrTs(args);
  if (r.code !== 0) throw new Error(`ctr-ts ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
};

/** Starts a ctr-ts client, waits for its first output, then kills it with SIGKILL. */
async function killMidStream(args: string[]): Promise<void> {
  const c = spawn(process.execPath, [CTR_TS_BIN, '--address', f.d.socket, '-n', f.ns, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    c.stdout.once('data', () => resolve());
    c.once('exit', (code) => reject(new Error(`ctr-ts ${args.join(' ')} exited ${code} before any output`)));
  });
  c.kill('SIGKILL');
  await new Promise((r) => c.once('exit', r));
}

test('attach and exec clients killed mid-stream, then their processes exit: shim and bystander live on', async () => {
  await ok(['run', '-d', IMAGE, 'bystander', 'sleep', '600']);
  await ok(['run', '-d', IMAGE, 'fg', 'sh', '-c', 'while :; do echo tick; sleep 0.05; done']);
  const [shim] = shimPids(f.d);
  expect(shim).toBeGreaterThan(0);

  await killMidStream(['tasks', 'attach', 'fg']);
  await killMidStream(['tasks', 'exec', '--exec-id', 'x1', 'fg', 'sh', '-c', 'while :; do echo exec; done']);
  await killMidStream(['tasks', 'exec', '-t', '--exec-id', 'x2', 'fg', 'seq', '1', '1000000']);
  await ok(['tasks', 'kill', '--exec-id', 'x1', '-s', 'SIGKILL', 'fg']);
  await ok(['tasks', 'kill', '-s', 'SIGKILL', 'fg']);
  const w = await f.tasks.wait({ containerId: 'fg' });
  expect(w.exitStatus).toBe(137);
  await ok(['tasks', 'rm', 'fg']);

  expect(shimPids(f.d)).toEqual([shim]);
  expect(() => process.kill(shim!, 0)).not.toThrow();
  expect((await f.tasks.get({ containerId: 'bystander' })).process?.status).toBe(Status.RUNNING);
  await ok(['tasks', 'kill', '-s', 'SIGKILL', 'bystander']);
  await f.tasks.wait({ containerId: 'bystander' });
  await ok(['tasks', 'rm', 'bystander']);
});
