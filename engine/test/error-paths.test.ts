// Errors a user sees name the container's paths and the user's own, never the stack's state or temp
// paths (bundles, rootfs mounts, volume data directories, the CLI's temp files), with docker's words.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '@stack/tools';
import { DOCKER_CLI, ENGINE_BIN, startStack, type Stack } from './support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
  expect((await s.engine(['run', '-d', '--name', 'held', 'busybox', 'sleep', '300'])).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
});

/** Each failing command's stderr (or, for exec, the stream) and what it must say. */
const cases: Array<[string[], string]> = [
  [['run', '--rm', '-w', '/etc/passwd', 'busybox', 'true'], 'mkdir /etc/passwd: not a directory'],
  [['run', '--rm', '-v', '/etc/hostname:/etc/hostname/x', 'busybox', 'true'], 'error mounting "/etc/hostname" to rootfs at "/etc/hostname/x": mkdir /etc/hostname: not a directory'],
  [['run', '--rm', '--tmpfs', '/etc/passwd', 'busybox', 'true'], 'error mounting "tmpfs" to rootfs at "/etc/passwd": mkdir /etc/passwd: not a directory'],
  [['run', '--rm', '--mount', 'type=volume,src=errvol,dst=/etc/passwd', 'busybox', 'true'], 'error mounting volume "errvol" to rootfs at "/etc/passwd": mkdir /etc/passwd: not a directory'],
  [['exec', '-w', '/etc/passwd', 'held', 'true'], 'chdir to cwd ("/etc/passwd") set in config.json failed: not a directory'],
  [['exec', '-w', '/nonexistent', 'held', 'true'], 'chdir to cwd ("/nonexistent") set in config.json failed: no such file or directory'],
];

test.each(cases)('engine %j says %s, with no state path', async (args, message) => {
  const r = await s.engine(args);
  expect(r.code).not.toBe(0);
  const said = r.stderr + r.stdout;
  expect(said).toContain(message);
  expect(said).not.toContain(s.dir);
  expect(said).not.toMatch(/rootfs\/|io\.containerd|\.tmp\b|\.js:\d/);
});

test('save, export, load and import name the user\'s file as docker does, before asking the daemon', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'error-paths-'));
  try {
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, '');
    for (const args of [
      ['save', '-o', '/nonexistent-dir/x.tar', 'busybox'],
      ['export', '-o', '/nonexistent-dir/x.tar', 'held'],
      ['save', '-o', `${file}/x.tar`, 'busybox'],
      ['load', '-i', '/nonexistent.tar'],
      ['import', '/nonexistent.tar'],
    ]) {
      // Against a socket nobody serves: the file is checked first, as docker's client does.
      const ours = await runCommand(ENGINE_BIN, ['-H', `unix://${dir}/none.sock`, ...args], { input: null });
      const docker = await runCommand(DOCKER_CLI, ['-H', `unix://${dir}/none.sock`, ...args], { input: null, env: { ...process.env, DOCKER_CONFIG: dir } });
      expect({ args, code: ours.code, stderr: ours.stderr }).toEqual({ args, code: docker.code, stderr: docker.stderr });
    }
    // Against the daemon: a failed write names the file asked for, never the CLI's temp file.
    const r = await s.engine(['save', '-o', '/proc/x.tar', 'busybox']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/\.tmp/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
