// The walkthrough a Docker user would try first, against an installed stack (throwaway root, own
// network namespace) with a registry of the test's own on the namespace's loopback: info, push and
// pull, run -d -p -v -e --name, ps, logs -f, exec, stop/start/restart, rm -f, images, rmi; first with
// `engine` from PATH, then the same with Debian's stock docker client against the same engined.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registryConfig, runCommand, type CommandResult } from '@stack/tools';
import { expectOk, makeThrowawayRoot, stopPid, type ThrowawayRoot } from './support/throwaway-install.js';

const DOCKER = '/usr/bin/docker';
const REGISTRY = '127.0.0.1:5000';

let t: ThrowawayRoot;
let registry: ChildProcess | undefined;

beforeAll(async () => {
  t = makeThrowawayRoot('walk');
  await t.install();
  expectOk(await t.inNetns(['stackctl', 'start']), 'stackctl start');
  // The registry listens on the daemons' loopback, where engined reaches it (plain HTTP: loopback).
  const config = path.join(t.root, 'registry.yml');
  fs.writeFileSync(config, registryConfig(path.join(t.root, 'registry'), Number(REGISTRY.split(':')[1])));
  registry = spawn('nsenter', [`--net=/run/netns/${t.netns}`, '--', 'docker-registry', 'serve', config], { stdio: 'ignore' });
  expectOk(await t.inNetns(['curl', '-sf', '--retry', '30', '--retry-connrefused', '--retry-delay', '1', `http://${REGISTRY}/v2/`]), 'registry /v2/');
}, 300_000);

afterAll(async () => {
  await stopPid(registry?.pid);
  if (t) await t.inNetns(['stackctl', 'stop']).catch(() => undefined);
  t?.cleanup();
});

/** One walkthrough, through `client` (engine, or docker pointed at engined). */
async function walkthrough(client: (args: string[]) => Promise<CommandResult>, tag: string, port: number): Promise<void> {
  const ok = async (args: string[]) => expectOk(await client(args), args.join(' '));
  const image = `${REGISTRY}/walk/busybox:${tag}`;
  const name = `walk-${tag}`;

  expect(await ok(['info'])).toMatch(/Storage Driver: overlay/);
  // Push the seed busybox to the registry, forget it, pull it back.
  await ok(['tag', 'busybox:latest', image]);
  await ok(['push', image]);
  await ok(['rmi', image]);
  expect(await ok(['images', '--format', '{{.Repository}}:{{.Tag}}'])).not.toContain(image);
  await ok(['pull', image]);
  expect(await ok(['images', '--format', '{{.Repository}}:{{.Tag}}'])).toContain(image);

  await ok(['run', '-d', '--name', name, '-p', `127.0.0.1:${port}:80`, '-v', `${name}-data:/data`, '-e', `GREETING=hello ${tag}`, image, 'sh', '-c', 'echo "$GREETING" > /data/index.html; echo started; exec httpd -f -p 80 -h /data']);
  expect(await ok(['ps', '--format', '{{.Names}} {{.Status}}'])).toMatch(new RegExp(`^${name} Up`, 'm'));
  const page = () => t.inNetns(['curl', '-sS', '--retry', '20', '--retry-all-errors', '--retry-delay', '1', `http://127.0.0.1:${port}/index.html`], { timeoutMs: 60_000 });
  expect(expectOk(await page(), 'curl')).toBe(`hello ${tag}\n`);
  expect(await ok(['exec', name, 'cat', '/data/index.html'])).toBe(`hello ${tag}\n`);
  expect(await ok(['logs', name])).toBe('started\n');

  await ok(['stop', name]);
  expect(await ok(['ps', '-a', '--format', '{{.Names}} {{.Status}}'])).toMatch(new RegExp(`^${name} Exited`, 'm'));
  await ok(['start', name]);
  await ok(['restart', name]);
  // The volume kept the page across the restarts; each start logged once more.
  expect(expectOk(await page(), 'curl after restart')).toBe(`hello ${tag}\n`);
  expect(await ok(['logs', name])).toBe('started\nstarted\nstarted\n');

  // logs -f follows until the container exits.
  await ok(['run', '--name', `${name}-short`, image, 'sh', '-c', 'echo one; echo two']);
  expect(await ok(['logs', '-f', `${name}-short`])).toBe('one\ntwo\n');

  await ok(['rm', '-f', name, `${name}-short`]);
  expect(await ok(['ps', '-a', '--format', '{{.Names}}'])).not.toContain(name);
  await ok(['volume', 'rm', `${name}-data`]);
  await ok(['rmi', image]);
  expect(await ok(['images', '--format', '{{.Repository}}:{{.Tag}}'])).not.toContain(image);
}

test('with engine from PATH', async () => {
  await walkthrough((args) => t.onPath(['engine', ...args]), 'engine', 18081);
}, 600_000);

test('with the stock docker client against the same engined', async () => {
  const dockerConfig = path.join(t.root, 'docker-config');
  const env = { ...t.env, DOCKER_HOST: t.env.ENGINE_HOST, DOCKER_CONFIG: dockerConfig };
  await walkthrough((args) => runCommand(DOCKER, args, { env, input: null, timeoutMs: 120_000 }), 'docker', 18082);
}, 600_000);
