// The engine CLI against Debian's stock docker client on the same engined: the same command line
// through both, output and exit status compared after normalising ids, times and the product name.
// Also: usage errors, a daemon that is not there or goes away, exit codes, parallel verbs, the
// terminal size of run -it / exec -it.
import { runCommand } from '@stack/tools';
import { startStack, underPty, waitFor, DOCKER_CLI, ENGINE_BIN, type Stack } from './support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
  const live = await s.engine(['run', '-d', '--name', 'live', '-l', 'tier=db', '-e', 'GREETING=hi', 'busybox', 'sleep', '600']);
  expect(live.code).toBe(0);
  expect((await s.engine(['run', '--name', 'dead', 'busybox', 'sh', '-c', 'exit 2'])).code).toBe(2);
  expect((await s.engine(['volume', 'create', 'vol1'])).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** What differs between the two clients by design: the product name, ids, and times. */
function normalise(r: Result): Result {
  const n = (t: string) =>
    t
      .replace(/Cannot connect to the Docker daemon at (\S+)\. Is the docker daemon running\?/g, 'Cannot connect to the engine daemon at $1. Is the daemon running?')
      .replace(/\bdocker\b/g, 'engine')
      .replace(/\b[0-9a-f]{64}\b/g, '<ID>')
      .replace(/\b[0-9a-f]{12}\b/g, '<ID>')
      .replace(/(Less than a second|About a minute|About an hour|\d+ (seconds|minutes|hours)) ago/g, '<AGO>')
      .replace(/Up (Less than a second|About a minute|\d+ (seconds|minutes))/g, 'Up <T>');
  return { code: r.code, stdout: n(r.stdout), stderr: n(r.stderr) };
}

async function both(args: readonly string[]): Promise<{ engine: Result; docker: Result }> {
  const engine = normalise(await s.engine(args));
  const docker = normalise(await s.docker(args));
  return { engine, docker };
}

// Usage errors: docker's two lines and exit status (docker then prints the command's usage, which
// names its arguments its own way; the engine points to --help instead).
const USAGE: Array<readonly string[]> = [
  ['ps', '--bogus'],
  ['ps', '-z'],
  ['ps', 'foo'],
  ['stop'],
  ['run', '--rm', '--bogus', 'busybox', 'true'],
  ['container', 'run', '--rm', '-z', 'busybox', 'true'],
  ['exec', '--bogus', 'live', 'true'],
  ['container', 'ls', '--bogus'],
  ['image', 'ls', '-z'],
  ['volume', 'rm'],
  ['rename', 'a'],
  ['rename', 'a', 'b', 'c'],
  ['container', 'logs'],
  ['port'],
  ['images', 'a', 'b'],
  ['bogus'],
];

test.each(USAGE.map((a) => [a.join(' '), a]))('usage error as docker: engine %s', async (_name, args) => {
  const { engine, docker } = await both(args as readonly string[]);
  const head = (r: Result) => ({ code: r.code, stdout: r.stdout, stderr: r.stderr.split('\n').slice(0, 2).join('\n') });
  expect(head(engine)).toEqual(head(docker));
}, 60_000);

// Commands whose whole answer (stdout, stderr, exit status) must be docker's.
const SAME: Array<readonly string[]> = [
  // daemon errors
  ['rm', 'nosuch'],
  ['container', 'rm', 'nosuch'],
  ['stop', 'nosuch'],
  ['kill', 'nosuch'],
  ['kill', 'dead'],
  ['pause', 'nosuch'],
  ['logs', 'nosuch'],
  ['start', 'nosuch'],
  ['exec', 'nosuch', 'true'],
  ['inspect', 'nosuch'],
  ['rmi', 'nosuch:1'],
  ['image', 'rm', 'nosuch:1'],
  ['volume', 'rm', 'nosuch'],
  ['create', '--name', 'live', 'busybox'],
  ['run', '--name', 'live', 'busybox'],
  // exit codes
  ['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3'],
  ['exec', 'live', 'sh', '-c', 'exit 4'],
  ['exec', 'dead', 'true'],
  // lists and templates
  ['ps', '-a', '--format', '{{.Names}} {{.Image}} {{.State}} {{.Label "tier"}}'],
  ['container', 'ls', '--format', 'table {{.Names}}\t{{.Image}}\t{{.Command}}'],
  ['container', 'list', '-a', '--format', '{{json .Names}} {{len .Names}} {{upper .Image}} {{printf "%-6s|" .State}}'],
  ['ps', '-a', '-q'],
  ['ps', '-l', '--format', '{{.Names}}'],
  ['ps', '-a', '-n', '1', '--format', '{{.Names}}'],
  ['ps', '-a', '--filter', 'status=exited', '--format', '{{.Names}}'],
  ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'],
  ['images', '--format', 'table {{.Repository}}\t{{.Tag}}'],
  ['image', 'list', '-q'],
  ['volume', 'ls'],
  ['volume', 'ls', '--format', '{{.Driver}}/{{.Name}}'],
  ['volume', 'list', '-q'],
  ['inspect', '-f', '{{.Name}} {{len .Mounts}} {{.State.Running}} {{.State.ExitCode}}', 'live'],
  ['inspect', '-f', '{{range .Config.Env}}[{{.}}]{{end}}', 'live'],
  ['inspect', '-f', '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}{{end}}', 'live'],
  ['inspect', '-f', '{{if .State.Running}}up{{else}}down{{end}} {{with .Config}}{{index .Cmd 0}}{{end}}', 'live', 'dead'],
  ['inspect', '-f', '{{json .Config.Cmd}} {{join .Config.Cmd ","}} {{.Config.Cmd}}', 'live'],
  ['inspect', '-f', '{{.Nope}} {{.Config.Nope}}', 'live'],
  ['inspect', '-f', '{{index .Config.Labels "tier"}} {{lower "ABC"}} {{title "ab cd"}} {{split "a:b" ":"}}', 'live'],
  ['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.RestartPolicy}} {{eq .State.Status "running"}}', 'live'],
  ['container', 'inspect', '-f', '{{.Name}}', 'live'],
  ['image', 'inspect', '-f', '{{.Os}}/{{.Architecture}}', 'busybox'],
  ['volume', 'inspect', '-f', '{{.Name}} {{.Driver}}', 'vol1'],
];

test.each(SAME.map((a) => [a.join(' '), a]))('same as docker: engine %s', async (_name, args) => {
  const { engine, docker } = await both(args as readonly string[]);
  expect(engine).toEqual(docker);
}, 60_000);

test('a broken --format template is an error with a non-zero status, as in docker', async () => {
  for (const args of [
    ['ps', '--format', '{{.Names'],
    ['ps', '--format', '{{.Bogus}}'],
    ['inspect', '-f', '{{.Name', 'live'],
    ['inspect', '-f', '{{nosuch .Name}}', 'live'],
    ['images', '--format', '{{if .ID}}'],
  ]) {
    const { engine, docker } = await both(args);
    // The text after docker's prefix is Go's, with column numbers and Go type names the engine does not have.
    const prefix = (r: Result) => r.stderr.split(': template: ')[0];
    expect({ args, code: engine.code, stdout: engine.stdout, prefix: prefix(engine) }).toEqual({ args, code: docker.code, stdout: docker.stdout, prefix: prefix(docker) });
    expect(engine.stderr).toMatch(/template: :1(:\d+)?: /);
  }
}, 60_000);

test('exec of a missing command: 126, as docker 20.10 on dockerd (cli-exit-codes)', async () => {
  // The error comes in the output stream, as dockerd writes it; the stock client reads it the same way.
  const { engine, docker } = await both(['exec', 'live', 'no-such-binary']);
  expect(engine).toEqual({ code: 126, stdout: 'exec: "no-such-binary": executable file not found in $PATH\r\n', stderr: '' });
  expect(docker).toEqual(engine);
}, 30_000);

test('a run whose command is missing: 127', async () => {
  const { engine, docker } = await both(['run', '--rm', 'busybox', 'no-such-binary']);
  expect(engine.code).toBe(127);
  expect(docker.code).toBe(127);
}, 30_000);

test('flags the engine cannot honour are refused by name', async () => {
  for (const [args, flag] of [
    [['ps', '-s'], 'ps --size'],
    [['logs', '--details', 'live'], 'logs --details'],
    [['pull', '-a', 'busybox'], 'pull --all-tags'],
    [['push', '-a', 'busybox'], 'push --all-tags'],
    [['inspect', '-s', 'live'], 'inspect --size'],
  ] as const) {
    const r = await s.engine(args);
    expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 125, stderr: expect.stringContaining(`engine: ${flag} is not supported`) });
  }
});

test('no daemon: one line and docker exit status for each command', async () => {
  const gone = 'unix:///nonexistent/engine.sock';
  for (const args of [['ps'], ['images'], ['logs', 'x'], ['stop', 'a'], ['exec', 'x', 'true'], ['run', '--rm', 'busybox', 'true'], ['volume', 'ls'], ['inspect', 'x']]) {
    const engine = normalise(await runCommand(ENGINE_BIN, ['-H', gone, ...args], { input: null }));
    const docker = normalise(await runCommand(DOCKER_CLI, ['-H', gone, ...args], { input: null }));
    expect({ args, ...engine }).toEqual({ args, ...docker });
    expect(engine.stderr).toMatch(/^(engine: )?Cannot connect to the engine daemon at unix:\/\/\/nonexistent\/engine.sock. Is the daemon running\?/);
    expect(engine.stderr).not.toMatch(/\n\s+at /);
  }
}, 60_000);

test('the daemon going away under logs -f and an attached run: one line, exit 1, no stack trace', async () => {
  await s.engine(['run', '-d', '--name', 'talker', 'busybox', 'sh', '-c', 'while true; do echo t; sleep 0.2; done']);
  const follow = s.engine(['logs', '-f', 'talker']);
  const attached = s.engine(['run', '--rm', '--name', 'attached', 'busybox', 'sh', '-c', 'echo started; sleep 600']);
  await waitFor(async () => (await s.engine(['ps', '--filter', 'ancestor=busybox', '-q'])).stdout.trim().split('\n').length >= 3, 15_000, 'three running containers');
  await new Promise((r) => setTimeout(r, 500));
  try {
    await s.stopEngined('SIGKILL');
    for (const r of [await follow, await attached]) {
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n').at(-1)).toBe(`Cannot connect to the engine daemon at ${s.host}. Is the daemon running?`);
      expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
    }
  } finally {
    await s.startEngined();
  }
  await s.engine(['rm', '-f', 'talker', 'attached']);
}, 90_000);

test('stop, kill and rm -f on several containers act in parallel, as docker does', async () => {
  const names = ['par1', 'par2', 'par3'];
  // Each container notes the TERM and ignores it, so a stop takes its whole timeout: one after the
  // other, the second container would get its TERM only after 60 s.
  for (const n of names) await s.engine(['run', '-d', '--name', n, 'busybox', 'sh', '-c', 'trap "echo got-term" TERM; while true; do sleep 0.1; done']);
  const stop = s.engine(['stop', '-t', '60', ...names, 'nosuch'], { timeoutMs: 120_000 });
  await waitFor(async () => (await Promise.all(names.map((n) => s.engine(['logs', n])))).every((r) => r.stdout.includes('got-term')), 30_000, 'every container to get its TERM');
  expect((await s.engine(['kill', ...names])).stdout).toBe('par1\npar2\npar3\n');
  const stopped = await stop;
  expect(stopped.stdout).toBe('par1\npar2\npar3\n');
  expect(stopped.stderr).toBe('Error response from daemon: No such container: nosuch\n');
  expect(stopped.code).toBe(1);
  for (const n of names) await s.engine(['start', n]);
  expect((await s.engine(['rm', '-f', ...names])).stdout).toBe('par1\npar2\npar3\n');
  expect((await s.engine(['ps', '-a', '--filter', 'name=par', '--format', '{{.Names}}'])).stdout).toBe('');
}, 120_000);

test('run -it and exec -it give the process the terminal size as soon as it runs', async () => {
  // Before, the size stayed 0x0 until the terminal was resized; the process polls for the size.
  const waitForSize = (size: string) => `i=0; until [ "$(stty size 2>/dev/null)" = "${size}" ]; do i=$((i+1)); [ $i -gt 200 ] && exit 9; sleep 0.05; done; echo sized`;
  const r = await underPty(`stty cols 91 rows 37; ${ENGINE_BIN} -H ${s.host} run -it --rm busybox sh -c '${waitForSize('37 91')}'`, []);
  expect({ code: r.code, out: r.stdout.trim() }).toEqual({ code: 0, out: 'sized' });
  await s.engine(['run', '-d', '--name', 'ttyhost', 'busybox', 'sleep', '600']);
  const e = await underPty(`stty cols 83 rows 29; ${ENGINE_BIN} -H ${s.host} exec -it ttyhost sh -c '${waitForSize('29 83')}'`, []);
  expect({ code: e.code, out: e.stdout.trim() }).toEqual({ code: 0, out: 'sized' });
  await s.engine(['rm', '-f', 'ttyhost']);
}, 60_000);
