// info, version, completion, and the run flags not covered elsewhere (env files, entrypoint, stop
// signal and timeout, labels on events).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startStack, type Stack } from './support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
});

test('the API socket is root-only, in a directory others may only traverse', () => {
  expect(fs.statSync(s.socket).mode & 0o777).toBe(0o600);
  expect(fs.statSync(path.dirname(s.socket)).mode & 0o777).toBe(0o711);
});

test('version and info', async () => {
  const v = await s.engine(['version']);
  expect(v.stdout).toMatch(/Client:[\s\S]*API version: 1.41[\s\S]*Server:[\s\S]*containerd/);
  expect((await s.engine(['version', '--format', '{{.Server.ApiVersion}}'])).stdout).toBe('1.41\n');
  const info = await s.engine(['info']);
  expect(info.stdout).toMatch(/Containers: 0/);
  expect(info.stdout).toMatch(new RegExp(`Docker Root Dir: ${s.dataRoot}`));
  // Line for line what docker's client prints from the same daemon (its Client section has plugins).
  const docker = await s.docker(['info']);
  const server = (t: string) => t.slice(t.indexOf('\nServer:')).replace(/System Time: .*/, 'System Time: <T>');
  expect(server(info.stdout)).toBe(server(docker.stdout));
  expect(info.stdout).toMatch(/^Client:\n Context: {4}default\n Debug Mode: false\n/);
  expect(info.stdout).toMatch(/ Total Memory: \d+(\.\d+)?GiB\n/);
  expect((await s.engine(['info', '--format', '{{.Images}}'])).stdout).toBe('1\n');
  const down = await s.engine(['-H', 'unix:///nonexistent/engine.sock', 'ps']);
  expect(down.code).toBe(1);
  expect(down.stderr).toBe('Cannot connect to the engine daemon at unix:///nonexistent/engine.sock. Is the daemon running?\n');
});

test('bash completion: the script, commands, flags and container names', async () => {
  const script = await s.engine(['completion', 'bash']);
  expect(script.stdout).toMatch(/complete -o bashdefault -o default -F _engine_yargs_completions engine/);
  const cmds = await s.engine(['--get-yargs-completions', 'engine', 'ru']);
  expect(cmds.stdout.split('\n')).toContain('run');
  await s.engine(['create', '--name', 'completeme', 'busybox']);
  const names = await s.engine(['--get-yargs-completions', 'engine', 'rm', 'comp']);
  expect(names.stdout.trim()).toBe('completeme');
  const images = await s.engine(['--get-yargs-completions', 'engine', 'run', 'busy']);
  expect(images.stdout.trim()).toBe('busybox:latest');
  await s.engine(['rm', 'completeme']);
});

test('--env-file, --entrypoint, --stop-signal, --stop-timeout, -l', async () => {
  const envFile = path.join(s.dir, 'env');
  fs.writeFileSync(envFile, '# comment\nFROM_FILE=yes\nOVER=file\n');
  const r = await s.engine(['run', '--rm', '--env-file', envFile, '-e', 'OVER=flag', '--entrypoint', 'sh', 'busybox', '-c', 'echo $FROM_FILE $OVER']);
  expect(r.stdout).toBe('yes flag\n');
  await s.engine(['run', '-d', '--name', 'graceful', '--stop-signal', 'USR1', '--stop-timeout', '20', '-l', 'k=v', 'busybox', 'sh', '-c', 'trap "echo bye; exit 0" USR1; while true; do sleep 0.1; done']);
  const t0 = Date.now();
  expect((await s.engine(['stop', 'graceful'])).code).toBe(0);
  expect(Date.now() - t0).toBeLessThan(10_000);
  expect((await s.engine(['logs', 'graceful'])).stdout).toBe('bye\n');
  expect((await s.engine(['inspect', '-f', '{{.State.ExitCode}} {{.Config.StopSignal}} {{.Config.Labels.k}}', 'graceful'])).stdout).toBe('0 USR1 v\n');
  await s.engine(['rm', 'graceful']);
}, 30_000);
