// The shell blocks (```sh) of docs/registries.md, networking.md, containers.md and clients.md, run in
// order as a user would type them: `engine` on PATH talking to a real engined (ENGINE_HOST), Debian's
// `docker` and curl on the socket the pages name (the stack's socket put in its place), in the stack's network
// namespace (so `curl localhost:8080` reaches published ports), with a registry that wants a login on
// the test's loopback standing in for `localhost:5000` (the registry's own port is put in its place),
// and a second one as engined's registry mirror so Docker Hub names (`engine pull busybox`) resolve
// offline.
// Blocks fenced otherwise (```text, ```json) are illustrations and are not run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand, startRegistry, type Registry } from '@stack/tools';
import { ENGINE_BIN, serveBusybox, startStack, type Stack } from './support/stack.js';

const DOCS = path.resolve(__dirname, '../../../docs');
// alice's password is "docs-secret" (a bcrypt hash, as the registry's htpasswd wants).
const HTPASSWD = 'alice:$2b$10$g48wmwDLuzP5IDm2zMgA/.JMAqpooEsJrjt66.sTpht694h1ID0HC\n';

let s: Stack;
let registry: Registry;
let mirror: Registry;
let bin: string;
let home: string;

/** The page's sh blocks, in order. */
function shellBlocks(page: string): string[] {
  return [...fs.readFileSync(path.join(DOCS, page), 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

async function runBlock(block: string): Promise<{ code: number | null; stdout: string; output: string }> {
  const script = block.replaceAll('localhost:5000', registry.host).replaceAll('/run/engine/engine.sock', s.socket);
  const r = await runCommand('nsenter', [`--net=${s.netnsPath}`, '--', 'bash', '-xeuo', 'pipefail', '-c', script], {
    input: null,
    timeoutMs: 120_000,
    env: { ...withoutDockerHost(), PATH: `${bin}:${process.env.PATH ?? ''}`, ENGINE_HOST: s.host, ENGINE_CONFIG: home, DOCKER_CONFIG: home, REGISTRY_PASSWORD: 'docs-secret' },
  });
  return { code: r.code, stdout: r.stdout, output: `${r.stdout}\n${r.stderr}` };
}

/** The test's environment without a DOCKER_HOST of its own: the pages set it themselves. */
function withoutDockerHost(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DOCKER_HOST;
  return env;
}

/** Runs each of the page's sh blocks in order; all must succeed. Returns their stdout joined. */
async function runPage(page: string, atLeast: number): Promise<string> {
  const blocks = shellBlocks(page);
  expect(blocks.length).toBeGreaterThanOrEqual(atLeast);
  const outputs: string[] = [];
  for (const block of blocks) {
    const r = await runBlock(block);
    expect({ block, code: r.code, output: r.code === 0 ? '' : r.output }).toEqual({ block, code: 0, output: '' });
    outputs.push(r.stdout);
  }
  return outputs.join('\n');
}

beforeAll(async () => {
  registry = await startRegistry({ htpasswd: HTPASSWD });
  mirror = await startRegistry();
  s = await startStack({ daemonJson: { 'registry-mirrors': [`http://${mirror.host}`] } });
  await serveBusybox(s, mirror, 'library/busybox:latest');
  await s.reachHostLoopback(Number(registry.host.split(':')[1]));
  bin = path.join(s.dir, 'docs-bin');
  home = path.join(s.dir, 'docs-home');
  fs.mkdirSync(bin);
  fs.mkdirSync(home);
  fs.symlinkSync(ENGINE_BIN, path.join(bin, 'engine'));
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
  await registry?.stop();
  await mirror?.stop();
});

test('docs/registries.md: every shell block runs', async () => {
  const blocks = shellBlocks('registries.md');
  expect(blocks.length).toBeGreaterThanOrEqual(6);
  const outputs: string[] = [];
  for (const block of blocks) {
    const r = await runBlock(block);
    expect({ block, code: r.code, output: r.code === 0 ? '' : r.output }).toEqual({ block, code: 0, output: '' });
    outputs.push(r.stdout);
  }
  const all = outputs.join('\n');
  expect(all).toContain('Login Succeeded');
  expect(all).toContain('pulled from my registry');
  expect(all).toMatch(new RegExp(`\\["${registry.host.replace(/\./g, '\\.')}/tools/busybox@sha256:[0-9a-f]{64}"`));
  // The login was kept where ENGINE_CONFIG says, and logout removed it.
  expect(JSON.parse(fs.readFileSync(path.join(home, 'config.json'), 'utf8')).auths ?? {}).not.toHaveProperty(registry.host);
});

test('docs/registries.md: the errors it shows are the ones engine prints', async () => {
  const wrong = await runBlock('echo wrong | engine login --username alice --password-stdin localhost:5000');
  expect(wrong.code).toBe(1);
  const page = fs.readFileSync(path.join(DOCS, 'registries.md'), 'utf8');
  const shown = /\$ echo wrong \| engine login[^\n]*\n([^\n]*)/.exec(page)![1]!;
  expect(wrong.output).toContain(shown.replaceAll('localhost:5000', registry.host));
  // Logged out, then logged in: the two answers the page shows for `engine pull localhost:5000/nothing:here`.
  const shownPulls = [...page.matchAll(/\$ engine pull localhost:5000\/nothing:here\n([^\n]*)/g)].map((m) => m[1]!.replaceAll('localhost:5000', registry.host));
  expect(shownPulls).toHaveLength(2);
  const loggedOut = await runBlock('engine pull localhost:5000/nothing:here');
  expect(loggedOut.code).toBe(1);
  expect(loggedOut.output).toContain(shownPulls[0]);
  const loggedIn = await runBlock('echo "$REGISTRY_PASSWORD" | engine login --username alice --password-stdin localhost:5000 && engine pull localhost:5000/nothing:here; status=$?; engine logout localhost:5000; exit $status');
  expect(loggedIn.code).toBe(1);
  expect(loggedIn.output).toContain(shownPulls[1]);
});

test('docs/networking.md: every shell block runs', async () => {
  const blocks = shellBlocks('networking.md');
  expect(blocks.length).toBeGreaterThanOrEqual(6);
  const outputs: string[] = [];
  for (const block of blocks) {
    const r = await runBlock(block);
    expect({ block, code: r.code, output: r.code === 0 ? '' : r.output }).toEqual({ block, code: 0, output: '' });
    outputs.push(r.stdout);
  }
  const all = outputs.join('\n');
  expect(all.match(/hello from web/g)?.length).toBe(2);
  expect(all).toContain('80/tcp -> 0.0.0.0:8080');
  expect(all).toMatch(/inet 10\.20\.0\.50\/24/);
  expect(all).toMatch(/\d+\.\d+\.\d+\.\d+\s+gateway\.internal/);
  expect(all).toContain('nameserver 192.0.2.53');
  // The last block removed what the page made.
  expect((await s.engine(['ps', '-aq'])).stdout).toBe('');
  expect((await s.engine(['network', 'ls', '--format', '{{.Name}}'])).stdout.split('\n').filter(Boolean).sort()).toEqual(['bridge', 'host', 'none']);
});

test('docs/containers.md: every shell block runs', async () => {
  const all = await runPage('containers.md', 11);
  expect(all).toContain('hello from a container');
  expect(all).toMatch(/^app Up/m);
  expect(all).toContain('hi from /tmp');
  expect(all).toContain('exec exited with 3');
  expect(all).toContain('started');
  expect(all).toMatch(/^json-file \{("max-file":"2","max-size":"100k"|"max-size":"100k","max-file":"2")\}$/m);
  expect(all).toMatch(/^kept$/m);
  expect(all).toMatch(/^local \/\S+\/volumes\/data\/_data$/m);
  expect(all).toContain('from the host');
  expect(all).toMatch(/^written$/m);
  expect(all).toMatch(/^tmpfs \/scratch tmpfs rw,.*size=16384k/m);
  expect(all).toContain('on-failure 2');
  // The last block removed what the page made.
  expect((await s.engine(['ps', '-aq'])).stdout).toBe('');
  expect((await s.engine(['volume', 'ls', '-q'])).stdout.split('\n')).not.toContain('data');
});

test('docs/clients.md: every shell block runs, with the stock docker CLI and curl', async () => {
  const all = await runPage('clients.md', 5);
  expect(all).toContain('server API 1.41');
  expect(all).toContain('hello from docker on engined');
  expect(all).toMatch(/^from-docker: Up/m);
  expect(all).toMatch(/^Linux$/m);
  expect(all).toMatch(/^OK$/m);
  expect(all).toMatch(/^1\.41$/m);
  expect(all).toMatch(/^0\nhello from curl$/m);
  expect(all).toContain('No such container: no-such');
  expect((await s.engine(['ps', '-aq'])).stdout).toBe('');
});
