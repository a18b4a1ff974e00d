// daemon.json on a real engined: SIGHUP applies the reloadable keys (engine info shows them, a mirror
// added by a reload serves pulls, a daemon reload event is published), a bad file is refused and the
// configuration in use stays, and a bad file at start stops engined before it creates anything.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startRegistry, type Registry } from '@stack/tools';
import { ENGINED_BIN, serveBusybox, startStack, waitFor, type Stack } from './support/stack.js';

let s: Stack;
let mirror: Registry;
let configFile: string;

const info = async (format: string) => (await s.engine(['info', '--format', format])).stdout.trim();

/** engined's log messages as "level: msg". */
const messages = () =>
  s
    .logs()
    .split('\n')
    .filter((l) => l.startsWith('[engined] {'))
    .map((l) => JSON.parse(l.slice('[engined] '.length)) as { level: string; msg: string })
    .map((m) => `${m.level}: ${m.msg}`)
    .join('\n');

async function sighup(): Promise<void> {
  const before = s.logs().length;
  process.kill(s.enginedPid()!, 'SIGHUP');
  await waitFor(() => /configuration/.test(s.logs().slice(before)), 15_000, 'engined logs the reload');
}

beforeAll(async () => {
  mirror = await startRegistry();
  s = await startStack({ daemonJson: { debug: false, labels: ['stage=one'] } });
  configFile = path.join(s.dir, 'daemon.json');
  await serveBusybox(s, mirror, 'library/reloaded:1');
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
  await mirror?.stop();
});

test('SIGHUP applies debug, labels, registry mirrors and insecure registries; engine info shows them', async () => {
  expect(await info('{{.Debug}} {{json .Labels}} {{json .RegistryConfig.Mirrors}}')).toBe('false ["stage=one"] []');
  // Without the mirror, the Docker Hub name cannot be pulled (offline).
  expect((await s.engine(['pull', 'reloaded:1'])).code).not.toBe(0);
  const since = Math.floor(Date.now() / 1000) - 1;

  fs.writeFileSync(configFile, JSON.stringify({ debug: true, labels: ['stage=two', 'extra=yes'], 'registry-mirrors': [`http://${mirror.host}`], 'insecure-registries': ['registry.lan:5000'], 'max-concurrent-downloads': 1 }));
  await sighup();
  expect(messages()).toMatch(/info: Reloaded configuration from .*daemon\.json: debug: false → true; labels: \["stage=one"\] → \["stage=two","extra=yes"\]; insecure-registries: \[\] → \["registry\.lan:5000"\]; registry-mirrors: \[\] → \["http:\/\/127\.0\.0\.1:\d+"\]; max-concurrent-downloads: 3 → 1$/m);
  expect(await info('{{.Debug}} {{json .Labels}} {{json .RegistryConfig.Mirrors}}')).toBe(`true ["stage=two","extra=yes"] ["http://${mirror.host}"]`);
  expect(await info('{{json .RegistryConfig.IndexConfigs}}')).toContain('"registry.lan:5000":{"Name":"registry.lan:5000"');
  const text = (await s.engine(['info'])).stdout;
  expect(text).toContain(' Debug Mode: true');
  expect(text).toMatch(/ Labels:\n {2}stage=two\n {2}extra=yes\n/);
  expect(text).toMatch(/ Insecure Registries:\n {2}registry\.lan:5000\n/);

  // The mirror now serves Docker Hub names; debug lines appear in the log.
  const pull = await s.engine(['pull', 'reloaded:1']);
  expect(pull.code).toBe(0);
  expect(pull.stdout).toMatch(/docker\.io\/library\/reloaded:1/);
  expect(messages()).toMatch(/^debug: /m);

  // A daemon reload event carries the new settings, as dockerd's does.
  const ev = await s.engine(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'type=daemon', '--format', '{{json .}}']);
  const reload = ev.stdout.trim().split('\n').map((l) => JSON.parse(l) as { Type: string; Action: string; Actor: { Attributes: Record<string, string> } });
  expect(reload.at(-1)).toMatchObject({ Type: 'daemon', Action: 'reload', Actor: { Attributes: { debug: 'true', labels: '["stage=two","extra=yes"]', 'registry-mirrors': `["http://${mirror.host}"]`, 'max-concurrent-downloads': '1', 'max-concurrent-uploads': '5' } } });
});

test('a bad file on SIGHUP is refused, named in the log, and the configuration in use stays', async () => {
  const before = await info('{{.Debug}} {{json .Labels}} {{json .RegistryConfig.Mirrors}}');
  fs.writeFileSync(configFile, JSON.stringify({ debug: false, labels: 'stage=three' }));
  await sighup();
  expect(messages()).toMatch(/error: unable to configure engined with file .*daemon\.json: invalid value for labels: expected a list of strings, got the string "stage=three"; configuration not reloaded, the one in use is unchanged$/m);
  expect(await info('{{.Debug}} {{json .Labels}} {{json .RegistryConfig.Mirrors}}')).toBe(before);

  fs.writeFileSync(configFile, '{"debug": false,');
  await sighup();
  expect(await info('{{.Debug}}')).toBe('true');

  // A key only a restart applies is named; the daemon keeps serving.
  fs.writeFileSync(configFile, JSON.stringify({ debug: false, bip: '10.99.0.1/24' }));
  await sighup();
  expect(messages()).toMatch(/warn: .*daemon\.json: bip changed but only apply when engined restarts/);
  expect(await info('{{.Debug}}')).toBe('false');
  expect((await s.engine(['run', '--rm', 'busybox', 'echo', 'still serving'])).stdout).toBe('still serving\n');
});

test('a bad daemon.json stops engined at start: exit 1, the key named, nothing created', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engined-badcfg-'));
  try {
    for (const [json, message] of [
      [{ 'shutdown-timeout': 15 }, 'the following dockerd directives are not supported by engined: shutdown-timeout'],
      [{ 'max-concurrent-downloads': -1 }, 'invalid value for max-concurrent-downloads: invalid max concurrent downloads: -1'],
      [{ 'registry-mirrors': 'https://m.example.com' }, 'invalid value for registry-mirrors: expected a list of strings'],
      [{ debug: true }, 'the following directives are specified both as a flag and in the configuration file: debug: (from flag: true, from file: true)'],
    ] as const) {
      const f = path.join(dir, 'daemon.json');
      fs.writeFileSync(f, JSON.stringify(json));
      const r = spawnSync(process.execPath, [ENGINED_BIN, '--config-file', f, '--data-root', path.join(dir, 'data'), '--exec-root', path.join(dir, 'run'), '--containerd', path.join(dir, 'no.sock'), '--debug'], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`unable to configure engined with file ${f}: ${message}`);
      expect(fs.readdirSync(dir)).toEqual(['daemon.json']);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
