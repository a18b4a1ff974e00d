// shim-ts for real: containers through the task API, their output in the log, exec, attach, signals.
import { anyPack } from '@bufbuild/protobuf/wkt';
import { create } from '@bufbuild/protobuf';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AsyncQueue, Code } from '@stack/proto';
import { Status } from '@stack/proto/gen/containerd/types/task/task_pb';
import { OptionsSchema } from '@stack/proto/gen/containerd/runc/v1/options_pb';
import { MetricsSchema } from '@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import type { AttachRequest } from '@stack/proto/gen/stack/tasks/v1/streams_pb';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { AttachRequestSchema } from '@stack/proto/gen/stack/tasks/v1/streams_pb';
import { execFileSync } from 'node:child_process';
import { NAMESPACE, ShimFixture } from './helpers/shim-fixture.js';

const fx = new ShimFixture();
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const jsonAny = (typeUrl: string, v: unknown) => ({ typeUrl, value: Buffer.from(JSON.stringify(v)) });

async function createAndStart(args: string[], opts: { stdin?: string; terminal?: boolean } = {}) {
  const b = await fx.bundle(args, (s) => {
    if (opts.terminal) s.process.terminal = true;
  });
  const stdout = `jsonlog://${fx.logPath(b.id)}?max-size=1m&max-file=2`;
  const { pid } = await fx.task.create({ id: b.id, bundle: b.dir, stdout, stderr: stdout, stdin: opts.stdin ?? '', terminal: opts.terminal ?? false });
  expect(pid).toBeGreaterThan(0);
  await fx.task.start({ id: b.id });
  return { ...b, pid };
}

test('a container runs; its output is logged line by line with stream and time; the exit comes back', async () => {
  const t = await createAndStart(['sh', '-c', 'echo one; echo two >&2; printf three; exit 3']);
  const w = await fx.task.wait({ id: t.id });
  expect(w.exitStatus).toBe(3);
  const state = await fx.task.state({ id: t.id });
  expect(state).toMatchObject({ status: Status.STOPPED, exitStatus: 3, pid: t.pid });
  const lines = fx.logLines(t.id);
  expect(lines.map((l) => [l.stream, l.log])).toEqual(
    expect.arrayContaining([
      ['stdout', 'one\n'],
      ['stderr', 'two\n'],
      ['stdout', 'three'],
    ]),
  );
  expect(lines[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  const del = await fx.task.delete({ id: t.id });
  expect(del).toMatchObject({ pid: t.pid, exitStatus: 3 });
  await expect(fx.task.state({ id: t.id })).rejects.toMatchObject({ code: Code.NOT_FOUND });
});

test('exec, pids, pause/resume, stats, kill', async () => {
  const t = await createAndStart(['sleep', '300']);
  const execLog = path.join(fx.tmp, `${t.id}-exec.log`);
  await fx.task.exec({
    id: t.id,
    execId: 'e1',
    stdout: `file://${execLog}`,
    spec: jsonAny('types.containerd.io/opencontainers/runtime-spec/1/Process', { args: ['sh', '-c', 'echo from-exec; exit 4'], cwd: '/', env: ['PATH=/bin'], user: { uid: 0, gid: 0 } }),
  });
  const { pid: execPid } = await fx.task.start({ id: t.id, execId: 'e1' });
  expect(execPid).toBeGreaterThan(0);
  expect((await fx.task.wait({ id: t.id, execId: 'e1' })).exitStatus).toBe(4);
  expect(fs.readFileSync(execLog, 'utf8')).toBe('from-exec\n');
  await fx.task.delete({ id: t.id, execId: 'e1' });

  const pids = await fx.task.pids({ id: t.id });
  expect(pids.processes.map((p) => p.pid)).toContain(t.pid);
  await fx.task.pause({ id: t.id });
  expect((await fx.task.state({ id: t.id })).status).toBe(Status.PAUSED);
  await fx.task.resume({ id: t.id });
  expect((await fx.task.state({ id: t.id })).status).toBe(Status.RUNNING);
  const stats = await fx.task.stats({ id: t.id });
  const metrics = anyUnpack(stats.stats!, MetricsSchema)!;
  expect(metrics.memory?.usage?.usage).toBeGreaterThan(0n);
  expect(metrics.pids?.current).toBeGreaterThanOrEqual(1n);
  await fx.task.update({ id: t.id, resources: jsonAny('types.containerd.io/opencontainers/runtime-spec/1/LinuxResources', { pids: { limit: 50 } }) });

  await fx.task.kill({ id: t.id, signal: 9 });
  expect((await fx.task.wait({ id: t.id })).exitStatus).toBe(137);
  await fx.task.delete({ id: t.id });
  await expect(fx.task.kill({ id: t.id, signal: 9 })).rejects.toMatchObject({ code: Code.NOT_FOUND });
});

test('attach: stdin in, output out, exit at the end', async () => {
  const t = await createAndStart(['sh', '-c', 'read line; echo "got $line"; read other; echo "then $other" >&2'], { stdin: 'attach:' });
  const q = new AsyncQueue<MessageInitShape<typeof AttachRequestSchema>>();
  q.push({ kind: { case: 'open', value: { containerId: t.id, stdin: true, stdout: true, stderr: true } } });
  const responses = fx.streams.attach(q);
  q.push({ kind: { case: 'stdin', value: Buffer.from('hello\n') } });
  q.push({ kind: { case: 'stdin', value: Buffer.from('world\n') } });
  let out = '';
  let err = '';
  let exit: number | undefined;
  for await (const r of responses) {
    if (r.kind.case === 'stdout') out += Buffer.from(r.kind.value).toString();
    if (r.kind.case === 'stderr') err += Buffer.from(r.kind.value).toString();
    if (r.kind.case === 'exit') exit = r.kind.value.exitStatus;
  }
  q.end();
  expect(out).toBe('got hello\n');
  expect(err).toBe('then world\n');
  expect(exit).toBe(0);
  await fx.task.delete({ id: t.id });
});

test('FIFOs as ctr passes them; CloseIO ends stdin', async () => {
  const b = await fx.bundle(['sh', '-c', 'cat; echo done']);
  const fifos = ['stdin', 'stdout', 'stderr'].map((n) => path.join(fx.tmp, `${b.id}-${n}`));
  for (const f of fifos) require('node:child_process').execFileSync('mkfifo', [f]);
  const out = fs.openSync(fifos[1]!, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const inW = fs.openSync(fifos[0]!, fs.constants.O_RDWR);
  await fx.task.create({ id: b.id, bundle: b.dir, stdin: fifos[0]!, stdout: fifos[1]!, stderr: fifos[2]! });
  await fx.task.start({ id: b.id });
  fs.writeSync(inW, 'via-fifo\n');
  await new Promise((r) => setTimeout(r, 300));
  await fx.task.closeIO({ id: b.id, stdin: true });
  expect((await fx.task.wait({ id: b.id })).exitStatus).toBe(0);
  const buf = Buffer.alloc(100);
  const n = fs.readSync(out, buf);
  expect(buf.subarray(0, n).toString()).toBe('via-fifo\ndone\n');
  fs.closeSync(out);
  fs.closeSync(inW);
  await fx.task.delete({ id: b.id });
});

test('Debian runc as the runtime binary', async () => {
  const b = await fx.bundle(['sh', '-c', 'echo from-runc']);
  const stdout = `jsonlog://${fx.logPath(b.id)}`;
  await fx.task.create({
    id: b.id,
    bundle: b.dir,
    stdout,
    stderr: stdout,
    options: anyPack(OptionsSchema, create(OptionsSchema, { binaryName: '/usr/sbin/runc', root: path.join(fx.tmp, 'debian-runc') })),
  });
  await fx.task.start({ id: b.id });
  expect((await fx.task.wait({ id: b.id })).exitStatus).toBe(0);
  expect(fx.logLines(b.id).map((l) => l.log)).toEqual(['from-runc\n']);
  await fx.task.delete({ id: b.id });
});

test('errors: unknown task, duplicate id, delete while running', async () => {
  await expect(fx.task.state({ id: 'nope' })).rejects.toMatchObject({ code: Code.NOT_FOUND });
  const t = await createAndStart(['sleep', '60']);
  await expect(fx.task.create({ id: t.id, bundle: t.dir })).rejects.toMatchObject({ code: Code.ALREADY_EXISTS });
  await expect(fx.task.delete({ id: t.id })).rejects.toMatchObject({ code: Code.FAILED_PRECONDITION });
  await expect(fx.task.start({ id: t.id, execId: 'missing' })).rejects.toMatchObject({ code: Code.NOT_FOUND });
  await fx.task.kill({ id: t.id, signal: 9 });
  await fx.task.wait({ id: t.id });
  await fx.task.delete({ id: t.id });
});

test('a terminal: attach sees the pty, resize changes its size', async () => {
  const t = await createAndStart(['sh', '-c', 'read a; stty size; read x; stty size; echo "bye $x"'], { stdin: 'attach:', terminal: true });
  const q = new AsyncQueue<MessageInitShape<typeof AttachRequestSchema>>();
  q.push({ kind: { case: 'open', value: { containerId: t.id, stdin: true, stdout: true } } });
  q.push({ kind: { case: 'stdin', value: Buffer.from('go\n') } });
  const responses = fx.streams.attach(q);
  let out = '';
  let resized = false;
  for await (const r of responses) {
    if (r.kind.case === 'stdout') out += Buffer.from(r.kind.value).toString();
    // A pty starts at 0x0 (busybox's stty size then complains); after the resize it is 33x99.
    if (!resized && /(\d+ \d+|standard input)\r\n/.test(out)) {
      resized = true;
      await fx.task.resizePty({ id: t.id, width: 99, height: 33 });
      q.push({ kind: { case: 'stdin', value: Buffer.from('now\n') } });
    }
    if (r.kind.case === 'exit') break;
  }
  q.end();
  expect(out).toMatch(/33 99\r\nbye now\r\n/);
  await fx.task.delete({ id: t.id });
});

test('a Shutdown that arrives while a Create is in progress leaves the shim serving that task', async () => {
  const b = await fx.bundle(['sleep', '60']);
  const pid = fx.shimPid();
  // Debian runc runs as a child process, so the shim is idle in the middle of this Create.
  const options = anyPack(OptionsSchema, create(OptionsSchema, { binaryName: '/usr/sbin/runc', root: path.join(fx.tmp, 'debian-runc') }));
  const created = fx.task.create({ id: b.id, bundle: b.dir, options });
  await new Promise((r) => setTimeout(r, 10));
  await fx.task.shutdown({});
  expect((await created).pid).toBeGreaterThan(0);
  await new Promise((r) => setTimeout(r, 1500)); // longer than the shim's drain on the way out
  expect(() => process.kill(pid, 0)).not.toThrow();
  expect((await fx.task.state({ id: b.id })).status).toBe(Status.CREATED);
  await fx.task.delete({ id: b.id });
});

test('a shim killed with -9: its container lives on, and shim-ts delete cleans up with the recorded exit', async () => {
  const t = await createAndStart(['sh', '-c', 'exit 7']);
  expect((await fx.task.wait({ id: t.id })).exitStatus).toBe(7);
  const running = await createAndStart(['sleep', '300']);
  process.kill(fx.shimPid(), 'SIGKILL');
  await new Promise((r) => setTimeout(r, 200));
  expect(fs.existsSync(`/proc/${running.pid}`)).toBe(true); // the container did not die with its shim
  const del = (id: string, bundle: string) =>
    JSON.parse(
      execFileSync(path.resolve(__dirname, '../../bin/shim-ts'), ['delete', '--state-dir', fx.stateDir, '--runtime-root', fx.runtimeRoot, '--group', fx.group, '--namespace', NAMESPACE, '--id', id, '--bundle', bundle], { encoding: 'utf8' }),
    ) as { pid: number; exitStatus: number };
  expect(del(t.id, t.dir)).toMatchObject({ pid: t.pid, exitStatus: 7 });
  expect(del(running.id, running.dir)).toMatchObject({ pid: running.pid, exitStatus: 137 });
  await new Promise((r) => setTimeout(r, 200));
  const stat = fs.existsSync(`/proc/${running.pid}/stat`) ? fs.readFileSync(`/proc/${running.pid}/stat`, 'utf8') : '';
  expect(stat === '' || / Z /.test(stat)).toBe(true);
  // a new shim serves the group again
  await fx.connect();
  const again = await createAndStart(['true']);
  expect((await fx.task.wait({ id: again.id })).exitStatus).toBe(0);
  await fx.task.delete({ id: again.id });
});
