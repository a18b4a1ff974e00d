// Containers outlive the daemon: kill -9 containerd-ts while 20 containers log a counter every
// 100 ms, restart it, and nothing is lost — same pids, no gap or repeat in any log, and the exit of a
// container that ended meanwhile is reported with its real status.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Status } from '@stack/proto/gen/containerd/types/task/task_pb';
import { IMAGE, startTaskFixture, waitFor, type TaskFixture } from './support/tasks.js';

let f: TaskFixture;
beforeAll(async () => {
  f = await startTaskFixture('survive');
});
afterAll(() => f?.cleanup());

const COUNT = 20;
const counter = 'i=0; while true; do echo $i; i=$((i+1)); sleep 0.1; done';

function counts(log: string): number[] {
  return fs
    .readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => Number((JSON.parse(l) as { log: string }).log.trim()));
}

test('20 containers survive a kill -9 of containerd-ts; an exit meanwhile is reported', async () => {
  const logDir = path.join(f.d.dir, 'logs');
  fs.mkdirSync(logDir);
  const ids = Array.from({ length: COUNT }, (_, i) => `c${i}`);
  for (const id of ids) {
    const r = await f.ctr(['run', '-d', '--log-uri', `jsonlog://${logDir}/${id}.log`, IMAGE, id, 'sh', '-c', counter]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
  }
  expect((await f.ctr(['run', '-d', IMAGE, 'ender', 'sh', '-c', 'sleep 2; exit 7'])).code).toBe(0);
  const before = new Map((await f.tasks.list({})).tasks.map((t) => [t.containerId, t.pid]));
  expect(before.size).toBe(COUNT + 1);
  await new Promise((r) => setTimeout(r, 500));

  await f.d.kill9();
  await new Promise((r) => setTimeout(r, 3000)); // "ender" exits while the daemon is down
  await f.d.restart();
  f.reconnect();

  const after = (await f.tasks.list({})).tasks;
  for (const id of ids) {
    const t = after.find((x) => x.containerId === id);
    expect(t).toMatchObject({ status: Status.RUNNING, pid: before.get(id) });
  }
  const ender = await f.tasks.get({ containerId: 'ender' });
  expect(ender.process).toMatchObject({ status: Status.STOPPED, exitStatus: 7 });
  expect((await f.ctr(['task', 'ls'])).stdout.split('\n').filter((l) => / RUNNING/.test(l))).toHaveLength(COUNT);

  // Logs kept flowing through the restart: every counter is consecutive from 0, nothing missing or doubled.
  await new Promise((r) => setTimeout(r, 500));
  for (const id of ids) {
    const seq = counts(path.join(logDir, `${id}.log`));
    expect(seq.length).toBeGreaterThan(30);
    expect(seq).toEqual(Array.from({ length: seq.length }, (_, i) => i));
  }

  for (const id of [...ids, 'ender']) {
    await f.tasks.kill({ containerId: id, signal: 9 }).catch(() => undefined);
  }
  await waitFor(async () => (await f.tasks.list({})).tasks.every((t) => t.status === Status.STOPPED), 20_000, 'all tasks stopped');
  for (const id of [...ids, 'ender']) {
    await f.tasks.delete({ containerId: id });
    expect((await f.ctr(['containers', 'rm', id])).code).toBe(0);
  }
}, 240_000);
