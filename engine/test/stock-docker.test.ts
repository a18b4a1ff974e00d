// Debian's stock docker CLI (API 1.41) against engined: the everyday commands.
import * as path from 'node:path';
import { startRegistry, type Registry } from '@stack/tools';
import { serveBusybox, startStack, underPty, DOCKER_CLI, ENGINE_BIN, type Stack } from './support/stack.js';

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
    { waitFor: /# /, send: 'echo $((40+2))\r' },
    { waitFor: /42/, send: 'exit 3\r' },
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
    { waitFor: /# /, send: 'tty; echo $((6*7))\r' },
    { waitFor: /42/, send: 'exit 5\r' },
  ]);
  expect(r.stdout).toMatch(/\/dev\/pts\/0/);
  expect(r.stdout).toMatch(/42/);
  expect(r.code).toBe(5);
}, 30_000);

test('pull and load on a terminal: layer lines rewritten in place with human sizes, final lines kept, as docker shows them', async () => {
  const ref = `${registry.host}/lib/bb:3`;
  const pullUnder = async (cli: string) => {
    await s.engine(['rmi', ref]);
    return underPty(`${cli} pull ${ref}`, [], 60_000);
  };
  const ours = await pullUnder(`${ENGINE_BIN} -H ${s.host}`);
  const theirs = await pullUnder(`${DOCKER_CLI} --host ${s.host}`);
  for (const r of [ours, theirs]) {
    expect(r.code).toBe(0);
    // busybox:latest keeps the layer: it already exists, and the image is the one stored.
    expect(r.stdout).toMatch(/: (Pull complete|Already exists)/);
    expect(r.stdout).toMatch(/Digest: sha256:[0-9a-f]{64}/);
    expect(r.stdout).toMatch(/Status: (Downloaded newer image|Image is up to date) for /);
  }
  // The same terminal controls: line clears and cursor moves up and down, no other escapes.
  const controls = (t: string) => [...new Set(t.match(/\x1b\[[0-9]*[A-Za-z]/g) ?? [])].map((c) => c.replace(/\d+/, 'N')).sort();
  expect(controls(ours.stdout)).toEqual(controls(theirs.stdout));
  const save = path.join(s.dir, 'tty-load.tar');
  expect((await s.engine(['save', '-o', save, ref])).code).toBe(0);
  const load = await underPty(`${ENGINE_BIN} -H ${s.host} load -i ${save}`, [], 60_000);
  expect(load.stdout).toMatch(/Loaded image: /);
}, 180_000);
