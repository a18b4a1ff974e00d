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
    { afterMs: 2000, send: 'tty; stty size; echo $((6*7))\r' },
    { afterMs: 500, send: 'exit 6\r' },
  ]);
  expect(r.stdout).toMatch(/\/dev\/pts\/0/);
  expect(r.stdout).toMatch(/42/);
  expect(r.code).toBe(6);
  expect((await s.engine(['ps', '-aq'])).stdout).toBe('');
}, 30_000);

test('exec -it into a running container; ctrl-p ctrl-q detaches from run -it', async () => {
  await s.engine(['run', '-d', '--name', 'host', 'busybox', 'sleep', '300']);
  const e = await underPty(`${ENGINE_BIN} -H ${s.host} exec -it host sh`, [
    { afterMs: 1500, send: 'echo in-$((1+1))\r' },
    { afterMs: 400, send: 'exit 2\r' },
  ]);
  expect(e.stdout).toMatch(/in-2/);
  expect(e.code).toBe(2);
  const d = await underPty(`${ENGINE_BIN} -H ${s.host} run -it --name detachable busybox sh`, [
    { afterMs: 2000, send: 'echo before\r' },
    { afterMs: 400, send: '\x10\x11' },
  ]);
  expect(d.stdout).toMatch(/before/);
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
