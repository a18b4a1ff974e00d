// A namespace's shim stays a while after its last task, so the next task needs no new shim (two Node
// boots), then leaves; a daemon that stops, or restarts after kill -9, leaves no idle shim behind.
import * as fs from 'node:fs';
import { IMAGE, shimPids, startTaskFixture, waitFor, type TaskFixture } from './support/tasks.js';

jest.setTimeout(120_000);

let f: TaskFixture;
beforeAll(async () => {
  f = await startTaskFixture('idle', { config: 'version = 2\n[plugins.tasks]\nshim_idle_timeout = "2s"\n' });
});
afterAll(() => f?.cleanup());

function alive(pid: number | undefined): boolean {
  try {
    return !/^\S+ \(.*\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function runOnce(id: string): Promise<number> {
  const r = await f.ctrTs(['run', '--rm', IMAGE, id, 'true']);
  if (r.code !== 0) throw new Error(`run ${id}: ${r.stderr}`);
  const pids = shimPids(f.d);
  expect(pids).toHaveLength(1);
  return pids[0] as number;
}

test('the shim outlives its last task for the idle time, serves the next one, then leaves', async () => {
  const pid = await runOnce('i1');
  expect(alive(pid)).toBe(true);
  expect(await runOnce('i2')).toBe(pid);
  await waitFor(() => !alive(pid), 10_000, 'the idle shim to leave');
  expect(shimPids(f.d)).toEqual([]);
  expect(await runOnce('i3')).not.toBe(pid); // a new shim for the next task
});

test('a daemon stopped with SIGTERM stops its idle shim', async () => {
  const pid = await runOnce('i4');
  await f.d.stop();
  await waitFor(() => !alive(pid), 5000, 'the idle shim to leave with the daemon');
  await f.d.restart();
});

test('after kill -9 of the daemon, the idle shim waits; the restarted daemon stops it', async () => {
  const pid = await runOnce('i5');
  await f.d.kill9();
  await new Promise((r) => setTimeout(r, 3000)); // longer than the idle time: the shim does not leave on its own
  expect(alive(pid)).toBe(true);
  await f.d.restart();
  await waitFor(() => !alive(pid), 5000, 'the stray shim to be stopped');
  expect(await runOnce('i6')).not.toBe(pid);
});
