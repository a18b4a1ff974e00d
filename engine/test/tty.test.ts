// The engine CLI's interactive paths under a real pty (script(1)): run -it, exec -it, detach keys.
import { execFileSync } from 'node:child_process';
import { startStack, underPty, waitFor, ENGINE_BIN, type Stack } from './support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
});

test('run -it: a working shell with a TTY, exit code passed through', async () => {
  const r = await underPty(`${ENGINE_BIN} -H ${s.host} run -it --rm busybox sh`, [
    { waitFor: /# /, send: 'tty; stty size; echo $((6*7))\r' },
    { waitFor: /42/, send: 'exit 6\r' },
  ]);
  expect(r.stdout).toMatch(/\/dev\/pts\/0/);
  expect(r.stdout).toMatch(/42/);
  expect(r.code).toBe(6);
  expect((await s.engine(['ps', '-aq'])).stdout).toBe('');
}, 30_000);

test('exec -it into a running container; ctrl-p ctrl-q detaches from run -it', async () => {
  await s.engine(['run', '-d', '--name', 'host', 'busybox', 'sleep', '300']);
  const e = await underPty(`${ENGINE_BIN} -H ${s.host} exec -it host sh`, [
    { waitFor: /# /, send: 'echo in-$((1+1))\r' },
    { waitFor: /in-2/, send: 'exit 2\r' },
  ]);
  expect(e.stdout).toMatch(/in-2/);
  expect(e.code).toBe(2);
  const d = await underPty(`${ENGINE_BIN} -H ${s.host} run -it --name detachable busybox sh`, [
    { waitFor: /# /, send: 'echo be$((1))fore\r' },
    { waitFor: /be1fore/, afterMs: 100, send: '\x10\x11' },
  ]);
  expect(d.stdout).toMatch(/be1fore/);
  expect(d.code).toBe(0);
  expect((await s.engine(['inspect', '-f', '{{.State.Running}}', 'detachable'])).stdout).toBe('true\n');
  await s.engine(['rm', '-f', 'host', 'detachable']);
}, 40_000);

test('Ctrl-C is proxied to a container without a TTY', async () => {
  const run = s.engine(['run', '--rm', '--name', 'sig', 'busybox', 'sh', '-c', 'trap "echo got-int; exit 130" INT; while true; do sleep 0.1; done']);
  await waitFor(async () => (await s.engine(['inspect', '-f', '{{.State.Running}}', 'sig'])).stdout === 'true\n');
  await new Promise((r) => setTimeout(r, 300));
  const pid = Number(execFileSync('pgrep', ['-f', 'run --rm --name sig']).toString().trim().split('\n')[0]);
  process.kill(pid, 'SIGINT');
  const r = await run;
  expect(r.stdout).toBe('got-int\n');
  expect(r.code).toBe(130);
}, 30_000);

test("ConsoleSize: a TTY has the client's size from the process's first instruction (run and exec)", async () => {
  const create = await s.api('POST', '/v1.41/containers/create?name=sized', JSON.stringify({ Image: 'busybox', Tty: true, Cmd: ['sh', '-c', 'stty size; sleep 300'], HostConfig: { ConsoleSize: [31, 97] } }), { 'Content-Type': 'application/json' });
  expect(create.status).toBe(201);
  expect((await s.api('POST', '/v1.41/containers/sized/start')).status).toBe(204);
  await waitFor(async () => (await s.engine(['logs', 'sized'])).stdout.includes('31 97'), 10_000, 'stty size in the logs');
  const ex = await s.api('POST', '/v1.41/containers/sized/exec', JSON.stringify({ Cmd: ['stty', 'size'], Tty: true, AttachStdout: true }), { 'Content-Type': 'application/json' });
  const { Id } = JSON.parse(ex.body) as { Id: string };
  const started = await s.api('POST', `/v1.41/exec/${Id}/start`, JSON.stringify({ Detach: false, Tty: true, ConsoleSize: [12, 34] }), { 'Content-Type': 'application/json' });
  expect(started.body).toContain('12 34');
  await s.engine(['rm', '-f', 'sized']);
}, 30_000);
