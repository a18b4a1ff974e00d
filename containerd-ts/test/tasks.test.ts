// Tasks through containerd-ts, shim-ts and runc-ts: Debian's stock ctr, and the API directly.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Code } from '@stack/proto';
import { Status } from '@stack/proto/gen/containerd/types/task/task_pb';
import { run } from './support/daemon.js';
import { IMAGE, startTaskFixture, waitFor, type TaskFixture } from './support/tasks.js';

let f: TaskFixture;
beforeAll(async () => {
  f = await startTaskFixture('tasks');
});
afterAll(() => f?.cleanup());

test('stock ctr run --rm: output and exit code', async () => {
  const r = await f.ctr(['run', '--rm', IMAGE, 'r1', 'sh', '-c', 'echo hi; exit 3']);
  expect(r.stdout).toBe('hi\n');
  expect(r.code).toBe(3);
  expect((await f.ctr(['containers', 'ls', '-q'])).stdout).not.toContain('r1');
});

test('stock ctr: run -d, task ls, exec, ps, pause/resume, metrics, kill, rm', async () => {
  expect((await f.ctr(['run', '-d', IMAGE, 'd1', 'sleep', '300'])).code).toBe(0);
  expect((await f.ctr(['task', 'ls'])).stdout).toMatch(/d1\s+\d+\s+RUNNING/);
  expect(await f.ctr(['task', 'exec', '--exec-id', 'e1', 'd1', 'sh', '-c', 'echo exec-ok; exit 4'])).toMatchObject({ code: 4, stdout: 'exec-ok\n' });
  expect((await f.ctr(['task', 'ps', 'd1'])).stdout).toMatch(/^PID\s+INFO\n\d+/);
  expect((await f.ctr(['task', 'pause', 'd1'])).code).toBe(0);
  expect((await f.ctr(['task', 'ls'])).stdout).toMatch(/d1\s+\d+\s+PAUSED/);
  expect((await f.ctr(['task', 'resume', 'd1'])).code).toBe(0);
  const m = await f.tasks.metrics({ filters: ['id==d1'] });
  expect(m.metrics).toHaveLength(1);
  expect(m.metrics[0]!.data?.typeUrl).toMatch(/io\.containerd\.cgroups\.v1\.Metrics$/);
  expect((await f.ctr(['task', 'kill', '-s', 'SIGKILL', 'd1'])).code).toBe(0);
  await waitFor(async () => /d1\s+\d+\s+STOPPED/.test((await f.ctr(['task', 'ls'])).stdout));
  expect((await f.tasks.get({ containerId: 'd1' })).process).toMatchObject({ id: 'd1', status: Status.STOPPED, exitStatus: 137 });
  expect((await f.ctr(['task', 'rm', 'd1'])).code).toBe(0);
  expect((await f.ctr(['containers', 'rm', 'd1'])).code).toBe(0);
});

test('ctr run -t with a terminal', async () => {
  const cmd = `ctr --address ${f.d.socket} -n ${f.ns} run -t --rm ${IMAGE} t1 sh`;
  const r = await run('sh', ['-c', `echo 'tty; exit 5' | script -qec "${cmd}" /dev/null`]);
  expect(r.stdout).toMatch(/\/dev\/pts\/\d+/);
  expect(r.code).toBe(5);
});

test('task events: create, start, exit, delete', async () => {
  const ac = new AbortController();
  const seen: string[] = [];
  const done = (async () => {
    try {
      for await (const e of f.events.subscribe({ filters: [`namespace==${f.ns},topic~="/tasks/"`] }, { signal: ac.signal })) {
        seen.push(e.topic);
        if (e.topic === '/tasks/delete') break;
      }
    } catch {
      // aborted
    }
  })();
  await new Promise((r) => setTimeout(r, 200));
  expect((await f.ctr(['run', '--rm', IMAGE, 'ev1', 'true'])).code).toBe(0);
  await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
  ac.abort();
  expect(seen).toEqual(expect.arrayContaining(['/tasks/create', '/tasks/start', '/tasks/exit', '/tasks/delete']));
  expect(seen.indexOf('/tasks/create')).toBeLessThan(seen.indexOf('/tasks/exit'));
});

test('bad input: unknown task, kill or exec on an exited task, a second create', async () => {
  await expect(f.tasks.kill({ containerId: 'nope', signal: 9 })).rejects.toMatchObject({ code: Code.NOT_FOUND });
  await expect(f.tasks.get({ containerId: 'nope' })).rejects.toMatchObject({ code: Code.NOT_FOUND });
  expect((await f.ctr(['run', '-d', IMAGE, 'x1', 'sh', '-c', 'exit 2'])).code).toBe(0);
  await waitFor(async () => (await f.tasks.get({ containerId: 'x1' })).process?.status === Status.STOPPED);
  await expect(f.tasks.kill({ containerId: 'x1', signal: 9 })).rejects.toMatchObject({ code: Code.NOT_FOUND, message: expect.stringMatching(/process already finished/) });
  const spec = { typeUrl: 'types.containerd.io/opencontainers/runtime-spec/1/Process', value: Buffer.from(JSON.stringify({ args: ['true'], cwd: '/' })) };
  await expect(f.tasks.exec({ containerId: 'x1', execId: 'late', spec })).rejects.toMatchObject({ code: Code.FAILED_PRECONDITION });
  await expect(f.tasks.create({ containerId: 'x1' })).rejects.toMatchObject({ code: Code.ALREADY_EXISTS });
  await expect(f.tasks.create({ containerId: 'no-such-container' })).rejects.toMatchObject({ code: Code.NOT_FOUND });
  expect((await f.tasks.delete({ containerId: 'x1' })).exitStatus).toBe(2);
  expect((await f.ctr(['containers', 'rm', 'x1'])).code).toBe(0);
});

test('a shim killed with -9: its tasks are reported killed and cleaned up, nothing leaks', async () => {
  expect((await f.ctr(['run', '-d', IMAGE, 'k1', 'sleep', '300'])).code).toBe(0);
  const pid = (await f.tasks.get({ containerId: 'k1' })).process!.pid;
  const shimPid = Number(fs.readFileSync(path.join(f.d.state, 'shims', f.ns, 'shim.pid'), 'utf8'));
  process.kill(shimPid, 'SIGKILL');
  await waitFor(async () => {
    try {
      await f.tasks.get({ containerId: 'k1' });
      return false;
    } catch (err) {
      return (err as { code?: number }).code === Code.NOT_FOUND;
    }
  }, 15_000, 'the dead shim\'s task to be cleaned up');
  await waitFor(() => !fs.existsSync(`/proc/${pid}`) || / Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')), 5000, 'the container to be killed');
  expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(`/k1/rootfs`);
  expect((await f.ctr(['containers', 'rm', 'k1'])).code).toBe(0);
  // the namespace gets a new shim for the next task
  expect(await f.ctr(['run', '--rm', IMAGE, 'k2', 'echo', 'again'])).toMatchObject({ stdout: 'again\n', stderr: '', code: 0 });
});

test('a full disk for the log: the container keeps running, the shim reports it, logging resumes', async () => {
  const dir = path.join(f.d.dir, 'tiny');
  fs.mkdirSync(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  try {
    const r = await f.ctr(['run', '-d', '--log-uri', `jsonlog://${dir}/full.log`, IMAGE, 'full1', 'sh', '-c', 'i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.01; done']);
    expect(r.code).toBe(0);
    const shimLog = path.join(f.d.state, 'shims', f.ns, 'shim.log');
    await waitFor(() => fs.existsSync(shimLog) && /full1: log .*full\.log: cannot write, dropping records until it can: ENOSPC/.test(fs.readFileSync(shimLog, 'utf8')), 20_000, 'ENOSPC to be reported');
    expect((await f.tasks.get({ containerId: 'full1' })).process?.status).toBe(Status.RUNNING);
    fs.truncateSync(path.join(dir, 'full.log'), 0);
    await waitFor(() => fs.statSync(path.join(dir, 'full.log')).size > 0, 10_000, 'logging to resume');
    await f.tasks.kill({ containerId: 'full1', signal: 9 });
    await waitFor(async () => (await f.tasks.get({ containerId: 'full1' })).process?.status === Status.STOPPED);
    await f.tasks.delete({ containerId: 'full1' });
    await f.ctr(['containers', 'rm', 'full1']);
  } finally {
    execFileSync('umount', ['-l', dir]);
  }
});
