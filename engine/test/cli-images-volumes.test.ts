// Images (load, tag, history, inspect, save, rmi, pull/push with a registry, login) and volumes
// (named ones surviving rm, anonymous ones going with rm -v, copy-up, binds) through the CLI.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startRegistry, type Registry } from '@stack/tools';
import { serveBusybox, startStack, type Stack } from './support/stack.js';

let s: Stack;
let registry: Registry;

beforeAll(async () => {
  s = await startStack();
  registry = await startRegistry();
  await serveBusybox(s, registry, 'team/busybox:1.0');
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await s?.cleanup();
});

const out = (r: { stdout: string }) => r.stdout.trim();

test('images, tag, history, inspect, rmi', async () => {
  const images = await s.engine(['images']);
  expect(images.stdout).toMatch(/REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE/);
  expect(images.stdout).toMatch(/busybox\s+latest\s+[a-f0-9]{12}/);
  expect((await s.engine(['tag', 'busybox', 'mine/bb:v1'])).code).toBe(0);
  const ids = out(await s.engine(['images', '-q']));
  expect(ids.split('\n')).toHaveLength(1);
  expect(out(await s.engine(['images', '--format', '{{.Repository}}:{{.Tag}}', 'mine/bb']))).toBe('mine/bb:v1');
  const hist = await s.engine(['history', 'busybox']);
  expect(hist.stdout).toMatch(/IMAGE\s+CREATED\s+CREATED BY\s+SIZE/);
  const insp = JSON.parse((await s.engine(['inspect', '--type', 'image', 'mine/bb:v1'])).stdout) as Array<{ RepoTags: string[]; Config: { Cmd: string[] } }>;
  expect(insp[0]?.RepoTags.sort()).toEqual(['busybox:latest', 'mine/bb:v1']);
  expect(insp[0]?.Config.Cmd).toEqual(['sh']);
  const rmi = await s.engine(['rmi', 'mine/bb:v1']);
  expect(rmi.stdout).toBe('Untagged: mine/bb:v1\n');
  const gone = await s.engine(['rmi', 'nosuch:tag']);
  expect(gone.code).toBe(1);
  expect(gone.stderr).toMatch(/No such image: nosuch:tag/);
});

test('save and load round-trip an image under a new name', async () => {
  await s.engine(['tag', 'busybox', 'saved/bb:1']);
  const file = path.join(s.dir, 'saved.tar');
  expect((await s.engine(['save', '-o', file, 'saved/bb:1'])).code).toBe(0);
  expect(fs.statSync(file).size).toBeGreaterThan(500_000);
  await s.engine(['rmi', 'saved/bb:1']);
  const load = await s.engine(['load', '-i', file]);
  expect(load.stdout).toMatch(/Loaded image: saved\/bb:1/);
  expect(out(await s.engine(['run', '--rm', 'saved/bb:1', 'echo', 'ok']))).toBe('ok');
  await s.engine(['rmi', 'saved/bb:1']);
});

test('pull from a registry with per-layer progress, run it, push it back under a new name', async () => {
  const ref = `${registry.host}/team/busybox:1.0`;
  const pull = await s.engine(['pull', ref]);
  expect(pull.code).toBe(0);
  expect(pull.stdout).toMatch(/Pull complete|Already exists/);
  expect(pull.stdout).toMatch(/Digest: sha256:[a-f0-9]{64}/);
  expect(pull.stdout).toMatch(new RegExp(`${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
  expect(out(await s.engine(['run', '--rm', ref, 'echo', 'pulled']))).toBe('pulled');
  const pushed = `${registry.host}/team/copy:2`;
  await s.engine(['tag', ref, pushed]);
  const push = await s.engine(['push', pushed]);
  expect(push.code).toBe(0);
  const tags = (await (await fetch(`http://${registry.host}/v2/team/copy/tags/list`)).json()) as { tags: string[] };
  expect(tags.tags).toEqual(['2']);
  const missing = await s.engine(['pull', `${registry.host}/team/nothing:1`]);
  expect(missing.code).not.toBe(0);
  expect(missing.stderr).toMatch(/Error response from daemon/);
  // run pulls a missing image first.
  await s.engine(['rmi', ref]);
  const run = await s.engine(['run', '--rm', ref, 'echo', 'auto']);
  expect(run.stdout).toBe('auto\n');
  expect(run.stderr).toMatch(/Unable to find image/);
}, 90_000);

test('login stores credentials in the CLI config; logout removes them', async () => {
  const env = { ...process.env, ENGINE_CONFIG: path.join(s.dir, 'cli-config') };
  const login = await s.engine(['login', '-u', 'me', '--password-stdin', registry.host], { input: 'secret\n', env });
  expect(login.stdout).toMatch(/Login Succeeded/);
  const cfg = JSON.parse(fs.readFileSync(path.join(s.dir, 'cli-config', 'config.json'), 'utf8')) as { auths: Record<string, { auth: string }> };
  expect(Buffer.from(cfg.auths[registry.host]!.auth, 'base64').toString()).toBe('me:secret');
  expect((fs.statSync(path.join(s.dir, 'cli-config', 'config.json')).mode & 0o777).toString(8)).toBe('600');
  expect(out(await s.engine(['logout', registry.host], { env }))).toMatch(/Removing login credentials/);
});

test('named volumes survive rm; anonymous ones go with rm -v; copy-up from the image', async () => {
  expect(out(await s.engine(['volume', 'create', 'keep']))).toBe('keep');
  expect((await s.engine(['run', '--rm', '-v', 'keep:/data', 'busybox', 'sh', '-c', 'echo persisted > /data/f'])).code).toBe(0);
  expect(out(await s.engine(['run', '--rm', '-v', 'keep:/data:ro', 'busybox', 'cat', '/data/f']))).toBe('persisted');
  const ro = await s.engine(['run', '--rm', '-v', 'keep:/data:ro', 'busybox', 'sh', '-c', 'echo x > /data/g']);
  expect(ro.code).not.toBe(0);
  // A new named volume mounted over /etc gets the image's /etc.
  expect(out(await s.engine(['run', '--rm', '-v', 'etc:/etc', 'busybox', 'sh', '-c', 'grep -c root /etc/passwd']))).toBe('1');
  const mp = out(await s.engine(['volume', 'inspect', '-f', '{{.Mountpoint}}', 'etc']));
  expect(fs.existsSync(path.join(mp, 'passwd'))).toBe(true);
  // Anonymous volume.
  await s.engine(['create', '--name', 'anon', '-v', '/scratch', 'busybox']);
  const anonName = (JSON.parse((await s.engine(['inspect', 'anon'])).stdout) as Array<{ Mounts: Array<{ Name: string }> }>)[0]!.Mounts[0]!.Name;
  expect(anonName).toMatch(/^[a-f0-9]{64}$/);
  const inUse = await s.engine(['volume', 'rm', anonName]);
  expect(inUse.stderr).toMatch(/volume is in use/);
  await s.engine(['rm', '-v', 'anon']);
  expect(out(await s.engine(['volume', 'ls', '-q']))).not.toContain(anonName);
  const ls = await s.engine(['volume', 'ls']);
  expect(ls.stdout).toMatch(/DRIVER\s+VOLUME NAME/);
  expect(ls.stdout).toMatch(/local\s+keep/);
  expect((await s.engine(['volume', 'rm', 'etc'])).code).toBe(0);
  const prune = await s.engine(['volume', 'prune', '-f']);
  expect(prune.stdout).toMatch(/keep/);
  expect(out(await s.engine(['volume', 'ls', '-q']))).toBe('');
}, 60_000);

test('bind mounts, system df', async () => {
  const host = path.join(s.dir, 'bind');
  fs.mkdirSync(host);
  fs.writeFileSync(path.join(host, 'in'), 'from host\n');
  const r = await s.engine(['run', '--rm', '-v', `${host}:/b`, 'busybox', 'sh', '-c', 'cat /b/in; echo back > /b/out']);
  expect(r.stdout).toBe('from host\n');
  expect(fs.readFileSync(path.join(host, 'out'), 'utf8')).toBe('back\n');
  const df = await s.engine(['system', 'df']);
  expect(df.stdout).toMatch(/TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE/);
  expect(df.stdout).toMatch(/Images\s+\d/);
});
