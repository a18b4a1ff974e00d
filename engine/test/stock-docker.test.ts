// Debian's stock docker CLI (API 1.41) against engined: the everyday commands.
import * as path from 'node:path';
import { startRegistry, type Registry } from '@stack/tools';
import { serveBusybox, startStack, underPty, DOCKER_CLI, type Stack } from './support/stack.js';

let s: Stack;
let registry: Registry;

beforeAll(async () => {
  s = await startStack();
  registry = await startRegistry();
  await serveBusybox(s, registry, 'lib/bb:3');
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await s?.cleanup();
});

const out = (r: { stdout: string }) => r.stdout.trim();

test('version, info, images, ps -a, volume ls', async () => {
  const v = await s.docker(['version', '--format', '{{.Server.APIVersion}}']);
  expect(v.stdout.trim()).toBe('1.41');
  const info = await s.docker(['info']);
  expect(info.code).toBe(0);
  expect(info.stdout).toMatch(/Containers: 0/);
  expect(info.stdout).toMatch(/Storage Driver: overlayfs/);
  expect((await s.docker(['images'])).stdout).toMatch(/busybox\s+latest/);
  expect((await s.docker(['ps', '-a'])).stdout).toMatch(/^CONTAINER ID/);
  await s.engine(['volume', 'create', 'dv']);
  expect((await s.docker(['volume', 'ls'])).stdout).toMatch(/local\s+dv/);
});

test('pull from the registry, run --rm, rmi', async () => {
  const ref = `${registry.host}/lib/bb:3`;
  const pull = await s.docker(['pull', ref]);
  expect(pull.code).toBe(0);
  expect(pull.stdout).toMatch(/Digest: sha256:/);
  const run = await s.docker(['run', '--rm', ref, 'sh', '-c', 'echo from-docker; exit 9']);
  expect(run.stdout).toBe('from-docker\n');
  expect(run.code).toBe(9);
  const rmi = await s.docker(['rmi', ref]);
  expect(rmi.stdout).toMatch(/Untagged: /);
}, 60_000);

test('run -d, logs -f, exec -it, stop, rm', async () => {
  const id = out(await s.docker(['run', '-d', '--name', 'dd', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo l$i; sleep 0.3; done; sleep 1000']));
  expect(id).toMatch(/^[a-f0-9]{64}$/);
  const follow = s.docker(['logs', '-f', 'dd']);
  await new Promise((r) => setTimeout(r, 1500));
  const pty = await underPty(`${DOCKER_CLI} --host ${s.host} exec -it dd sh`, [
    { afterMs: 1500, send: 'echo $((40+2))\r' },
    { afterMs: 500, send: 'exit 3\r' },
  ]);
  expect(pty.stdout).toMatch(/42/);
  expect(pty.code).toBe(3);
  expect((await s.docker(['stop', '-t', '1', 'dd'])).code).toBe(0);
  const logs = await follow;
  expect(logs.stdout).toBe('l1\nl2\nl3\n');
  expect((await s.docker(['ps', '-a', '--format', '{{.Names}} {{.State}}'])).stdout).toBe('dd exited\n');
  expect((await s.docker(['rm', 'dd'])).code).toBe(0);
  expect(out(await s.docker(['ps', '-aq']))).toBe('');
}, 60_000);

test('run -it under a real terminal', async () => {
  const r = await underPty(`${DOCKER_CLI} --host ${s.host} run -it --rm busybox sh`, [
    { afterMs: 2000, send: 'tty; echo $((6*7))\r' },
    { afterMs: 500, send: 'exit 5\r' },
  ]);
  expect(r.stdout).toMatch(/\/dev\/pts\/0/);
  expect(r.stdout).toMatch(/42/);
  expect(r.code).toBe(5);
}, 30_000);
