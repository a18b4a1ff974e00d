// The product as a newcomer meets it, in a throwaway root: tools/install.sh into a temp prefix with
// every state path under the same temp dir, the units checked by systemd-analyze, stackctl
// start/status/stop/restart, containers through `engine` found on PATH (hello-world offline, a
// published port that outlives a stopped engined), then tools/uninstall.sh, after which only the
// data it says it keeps is left. The daemons run in a network namespace of the test's own (only
// loopback and their bridge: offline), so the machine's network and stack are never touched.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HELLO_WORLD_GREETING, PROGRAMS, runCommand } from '@stack/tools';
import { expectOk, makeThrowawayRoot, pidFrom, REPO, stopPid, type ThrowawayRoot } from './support/throwaway-install.js';

let t: ThrowawayRoot;
let root: string;
let prefix: string;
let netns: string;
let cgroupParent: string;
let env: NodeJS.ProcessEnv;
const inNetns: ThrowawayRoot['inNetns'] = (argv, opts) => t.inNetns(argv, opts);
const onPath: ThrowawayRoot['onPath'] = (argv, timeoutMs) => t.onPath(argv, timeoutMs);

/** The commands of docs/getting-started.md's "First containers" block (comments dropped). */
function guideCommands(): string[] {
  const guide = fs.readFileSync(path.join(REPO, 'docs/getting-started.md'), 'utf8');
  const block = /## First containers\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(guide);
  if (!block) throw new Error('docs/getting-started.md has no "First containers" sh block');
  return block[1]!.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
}

beforeAll(() => {
  t = makeThrowawayRoot('install');
  ({ root, prefix, netns, cgroupParent, env } = t);
});

afterAll(() => t?.cleanup());

// A whole install, two stack starts and a dozen containers outlast jest's default timeout on a busy machine.
test('install, run as a service, use from PATH, uninstall', async () => {
  // Install: programs on PATH, completion, units, seed images; nothing outside the prefix but state.
  const installed = await t.install();
  expect(installed).toContain(`installed into ${prefix}`);
  for (const name of [...Object.keys(PROGRAMS), 'stackctl']) {
    const which = await onPath(['sh', '-c', `command -v ${name}`]);
    expect(which.stdout.trim()).toBe(path.join(prefix, 'bin', name));
  }
  const completion = path.join(prefix, 'share/bash-completion/completions/engine');
  expect(expectOk(await runCommand('bash', ['-c', `source ${completion} && complete -p engine`], { input: null }), 'completion')).toContain('_engine_yargs_completions');
  // What the completion script asks of the engine on PATH when the user types `engine ru<TAB>`.
  expect(expectOk(await onPath(['bash', '-c', `source ${completion} && COMP_WORDS=(engine ru) COMP_CWORD=1 && _engine_yargs_completions && echo "\${COMPREPLY[@]}"`]), 'completion')).toBe('run\n');
  expect(expectOk(await onPath(['engine', '--version']), 'engine --version')).toMatch(/^engine version \d/);

  // The shipped units, with this install's paths, pass systemd's own checker.
  const units = path.join(prefix, 'lib/systemd/system');
  expect(fs.readdirSync(units).sort()).toEqual(['containerd-ts.service', 'engined.service', 'engined.socket']);
  if (fs.existsSync('/usr/bin/systemd-analyze')) {
    const verify = await runCommand('systemd-analyze', ['verify', ...['containerd-ts.service', 'engined.service', 'engined.socket'].map((u) => path.join(units, u))], { input: null });
    expect({ code: verify.code, stderr: verify.stderr }).toEqual({ code: 0, stderr: '' });
  }
  expect(fs.readFileSync(path.join(units, 'engined.service'), 'utf8')).toMatch(/^KillMode=process$/m);
  expect(fs.readFileSync(path.join(units, 'containerd-ts.service'), 'utf8')).toMatch(/^Delegate=yes$/m);

  // Service: stopped, started, both answering.
  expect((await inNetns(['stackctl', 'status'])).code).toBe(3);
  expect(expectOk(await inNetns(['stackctl', 'start']), 'stackctl start')).toMatch(/loaded hello-world:latest/);
  expect(expectOk(await inNetns(['stackctl', 'status']), 'stackctl status')).toMatch(/containerd-ts\s+running[\s\S]*engined\s+running/);

  // hello-world with no network at all (the namespace has loopback and the bridge only).
  const hello = expectOk(await onPath(['engine', 'run', '--rm', 'hello-world']), 'engine run hello-world');
  expect(hello).toContain(HELLO_WORLD_GREETING);
  expect(hello).toMatch(/engine[\s\S]*engined[\s\S]*containerd-ts[\s\S]*shim-ts[\s\S]*runc-ts/);

  // The getting-started guide's "First containers", line by line, as a user would type them.
  for (const line of guideCommands()) {
    const r = line.includes(' -it ')
      ? await inNetns(['script', '-qec', line, '/dev/null'], { input: 'exit\n', timeoutMs: 60_000 })
      : await inNetns(['sh', '-c', line]);
    expect({ line, code: r.code, stderr: r.stderr }).toMatchObject({ line, code: 0 });
    if (line.startsWith('curl ')) expect(r.stdout).toMatch(/^[0-9a-f]{12}\n$/);
  }

  // A container with a published port and a bind mount, reached through the port proxy.
  const site = path.join(root, 'site');
  fs.mkdirSync(site);
  fs.writeFileSync(path.join(site, 'index.html'), 'served from a bind mount\n');
  expectOk(await onPath(['engine', 'run', '-d', '--name', 'web', '-p', '127.0.0.1:18080:80', '-v', `${site}:/www:ro`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/www']), 'engine run -d');
  const fetchPage = () => inNetns(['curl', '-sS', '--retry', '20', '--retry-connrefused', '--retry-delay', '1', 'http://127.0.0.1:18080/index.html'], { timeoutMs: 60_000 });
  expect(expectOk(await fetchPage(), 'curl')).toBe('served from a bind mount\n');
  const containerPid = Number(expectOk(await onPath(['engine', 'inspect', '-f', '{{.State.Pid}}', 'web']), 'inspect').trim());

  // Stopping the stack stops the daemons only: the container and its published port live on.
  expectOk(await inNetns(['stackctl', 'stop']), 'stackctl stop');
  expect((await inNetns(['stackctl', 'status'])).code).toBe(3);
  expect(fs.existsSync(`/proc/${containerPid}`)).toBe(true);
  expect(expectOk(await fetchPage(), 'curl with the stack stopped')).toBe('served from a bind mount\n');

  // restart (from stopped) brings the daemons back, and they find the container again.
  expectOk(await inNetns(['stackctl', 'restart']), 'stackctl restart');
  expect(expectOk(await onPath(['engine', 'ps', '--format', '{{.Names}} {{.Status}}']), 'engine ps')).toMatch(/^web Up/m);

  // Socket activation, as engined.socket does it: engined serves the listening socket it is handed.
  const enginedPidFile = path.join(root, 'run/engine/engined.pid');
  await stopPid(pidFrom(enginedPidFile));
  const layout = JSON.parse(fs.readFileSync(path.join(prefix, 'lib/container-stack/stack.json'), 'utf8')) as { engineArgs: string[]; engineSocket: string };
  const args = layout.engineArgs.filter((a, i, all) => a !== '-H' && all[i - 1] !== '-H');
  const activated = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', 'systemd-socket-activate', '-l', layout.engineSocket, path.join(prefix, 'bin/engined'), ...args, '-H', 'fd://'], { env, stdio: 'ignore' });
  try {
    expect(expectOk(await onPath(['engine', 'ps', '--format', '{{.Names}}']), 'engine ps through the activated socket')).toBe('web\n');
    expect(pidFrom(enginedPidFile)).toBe(activated.pid);
  } finally {
    await stopPid(activated.pid);
  }
  expectOk(await inNetns(['stackctl', 'start']), 'stackctl start');
  expectOk(await onPath(['engine', 'rm', '-f', 'web']), 'engine rm -f');
  expectOk(await inNetns(['stackctl', 'stop']), 'stackctl stop');

  // Uninstall: what install added is gone, the data it keeps is listed and still there.
  const removed = expectOk(await runCommand(path.join(REPO, 'tools/uninstall.sh'), ['--prefix', prefix], { input: null, timeoutMs: 120_000 }), 'uninstall');
  const kept = ['var/lib/engine', 'var/lib/containerd-ts', 'etc/engine', 'var/log/stack'].map((p) => path.join(root, p));
  for (const p of kept) {
    expect(removed).toContain(`  ${p}\n`);
    expect(fs.existsSync(p)).toBe(true);
  }
  expect(JSON.parse(fs.readFileSync(path.join(root, 'etc/engine/daemon.json'), 'utf8'))).toEqual({ 'cgroup-parent': cgroupParent });
  expect(fs.existsSync(path.join(root, 'usr'))).toBe(false);
  // Left in the root: the kept data, the runtime state dirs (/run, a tmpfs on a real machine) and this test's site.
  expect(fs.readdirSync(root).sort()).toEqual(['etc', 'run', 'site', 'var']);
  expect(fs.readdirSync(path.join(root, 'var')).sort()).toEqual(['lib', 'log']);
  expect(fs.readdirSync(path.join(root, 'var/lib')).sort()).toEqual(['containerd-ts', 'engine']);
  expect((await onPath(['sh', '-c', 'command -v engine || true'])).stdout.trim()).not.toBe(path.join(prefix, 'bin/engine'));
}, 600_000);
