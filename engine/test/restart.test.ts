// Restart policies, and the daemons killed with -9 while containers run: after both come back, the
// same containers run, their logs lost nothing, and --restart always containers killed meanwhile
// are running again.
import * as fs from 'node:fs';
import { Code, connect, createClient } from '@stack/proto';
import { Containers } from '@stack/proto/gen/containerd/services/containers/v1/containers_pb';
import { Snapshots } from '@stack/proto/gen/containerd/services/snapshots/v1/snapshots_pb';
import { startStack, waitFor, type Stack } from './support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
});

const out = (r: { stdout: string }) => r.stdout.trim();
const inspect = async (name: string, f: string) => out(await s.engine(['inspect', '-f', f, name]));

test('on-failure:N restarts N times; always restarts a clean exit; no does not', async () => {
  await s.engine(['run', '-d', '--name', 'fail3', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo run; exit 3']);
  await s.engine(['run', '-d', '--name', 'always', '--restart', 'always', 'busybox', 'sh', '-c', 'echo run; sleep 0.3']);
  await s.engine(['run', '-d', '--name', 'never', 'busybox', 'sh', '-c', 'exit 1']);
  await waitFor(async () => (await inspect('fail3', '{{.RestartCount}} {{.State.Status}}')) === '2 exited', 20_000, 'on-failure:2 to give up');
  expect(await inspect('fail3', '{{.State.ExitCode}}')).toBe('3');
  expect((await s.engine(['logs', 'fail3'])).stdout).toBe('run\nrun\nrun\n');
  await waitFor(async () => Number(await inspect('always', '{{.RestartCount}}')) >= 2, 20_000, 'always to restart twice');
  expect(await inspect('never', '{{.RestartCount}} {{.State.Status}}')).toBe('0 exited');
  // A manual stop ends the restarts.
  expect((await s.engine(['stop', '-t', '1', 'always'])).code).toBe(0);
  const count = await inspect('always', '{{.RestartCount}}');
  await new Promise((r) => setTimeout(r, 1500));
  expect(await inspect('always', '{{.RestartCount}} {{.State.Status}}')).toBe(`${count} exited`);
  await s.engine(['rm', '-f', 'fail3', 'always', 'never']);
}, 60_000);

test('kill -9 of engined and containerd-ts: containers keep running and logging, and come back', async () => {
  await s.engine(['run', '-d', '--name', 'steady', 'busybox', 'sh', '-c', 'i=0; while true; do echo n $i; i=$((i+1)); sleep 0.1; done']);
  await s.engine(['run', '-d', '--name', 'phoenix', '--restart', 'always', 'busybox', 'sleep', '1000']);
  await s.engine(['run', '-d', '--name', 'stays-down', '--restart', 'no', 'busybox', 'sleep', '1000']);
  await s.engine(['run', '-d', '--name', 'unless', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
  await s.engine(['stop', '-t', '0', 'unless']);
  await s.engine(['run', '-d', '--name', 'stopped-always', '--restart', 'always', 'busybox', 'sleep', '1000']);
  await s.engine(['stop', '-t', '0', 'stopped-always']);
  const steadyPid = await inspect('steady', '{{.State.Pid}}');
  const phoenixPid = Number(await inspect('phoenix', '{{.State.Pid}}'));
  const downPid = Number(await inspect('stays-down', '{{.State.Pid}}'));
  await s.stopEngined('SIGKILL');
  await s.stopContainerd('SIGKILL');
  // While both daemons are down: the containers run on; two of them are killed from outside.
  process.kill(phoenixPid, 'SIGKILL');
  process.kill(downPid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 1000));
  await s.startContainerd();
  await s.startEngined();
  expect(await inspect('steady', '{{.State.Status}} {{.State.Pid}}')).toBe(`running ${steadyPid}`);
  await waitFor(async () => (await inspect('phoenix', '{{.State.Status}}')) === 'running', 20_000, 'phoenix to be restarted');
  expect(Number(await inspect('phoenix', '{{.State.Pid}}'))).not.toBe(phoenixPid);
  expect(await inspect('stays-down', '{{.State.Status}} {{.State.ExitCode}}')).toBe('exited 137');
  expect(await inspect('unless', '{{.State.Status}}')).toBe('exited');
  // As dockerd: at the daemon's start an `always` container comes back even if it was stopped by hand.
  await waitFor(async () => (await inspect('stopped-always', '{{.State.Status}}')) === 'running', 20_000, 'stopped-always to be started');
  const ps = out(await s.engine(['ps', '--format', '{{.Names}}'])).split('\n').sort();
  expect(ps).toEqual(['phoenix', 'steady', 'stopped-always']);
  // The log has no gap: every number from 0 up to the latest is there once.
  await new Promise((r) => setTimeout(r, 500));
  const nums = (await s.engine(['logs', 'steady'])).stdout.trim().split('\n').map((l) => Number(l.split(' ')[1]));
  expect(nums.length).toBeGreaterThan(20);
  expect(nums).toEqual(nums.map((_, i) => i));
  // The engine still drives them.
  expect((await s.engine(['exec', 'steady', 'echo', 'alive'])).stdout).toBe('alive\n');
  expect((await s.engine(['stop', '-t', '0', 'steady'])).code).toBe(0);
  const lines = fs.readFileSync(`${s.dataRoot}/containers/${await inspect('steady', '{{.Id}}')}/${await inspect('steady', '{{.Id}}')}-json.log`, 'utf8').trim().split('\n');
  expect(JSON.parse(lines[0]!)).toMatchObject({ log: 'n 0\n', stream: 'stdout' });
  await s.engine(['rm', '-f', 'steady', 'phoenix', 'stays-down', 'unless', 'stopped-always']);
}, 90_000);

test('what an interrupted create left in containerd-ts is removed when the engine starts', async () => {
  const channel = connect(s.ctdSocket);
  const md = { metadata: { 'containerd-namespace': s.containerdNamespace } };
  const containers = createClient(Containers, channel, md);
  const snapshots = createClient(Snapshots, channel, md);
  const orphan = 'f'.repeat(64);
  try {
    await snapshots.prepare({ snapshotter: 'overlayfs', key: orphan, parent: '', labels: {} });
    await containers.create({ container: { id: orphan, image: 'x', runtime: { name: 'io.containerd.runc.v2' }, spec: { typeUrl: 'types.containerd.io/opencontainers/runtime-spec/1/Spec', value: Buffer.from('{}') }, snapshotter: 'overlayfs', snapshotKey: orphan } });
    await s.stopEngined('SIGKILL');
    await s.startEngined();
    await expect(containers.get({ id: orphan })).rejects.toMatchObject({ code: Code.NOT_FOUND });
    await expect(snapshots.stat({ snapshotter: 'overlayfs', key: orphan })).rejects.toMatchObject({ code: Code.NOT_FOUND });
  } finally {
    channel.close();
  }
}, 30_000);

test('after a host restart (every process gone, runtime state wiped) always and unless-stopped containers start again', async () => {
  await s.engine(['run', '-d', '--name', 'boot-always', '--restart', 'always', 'busybox', 'sleep', '1000']);
  await s.engine(['run', '-d', '--name', 'boot-unless', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
  await s.engine(['run', '-d', '--name', 'boot-no', 'busybox', 'sleep', '1000']);
  await s.simulateHostRestart();
  await waitFor(async () => (await inspect('boot-always', '{{.State.Status}}')) === 'running', 20_000, 'boot-always to run');
  await waitFor(async () => (await inspect('boot-unless', '{{.State.Status}}')) === 'running', 20_000, 'boot-unless to run');
  expect(await inspect('boot-no', '{{.State.Status}}')).toBe('exited');
  expect((await s.engine(['exec', 'boot-always', 'echo', 'up'])).stdout).toBe('up\n');
  await s.engine(['rm', '-f', 'boot-always', 'boot-unless', 'boot-no']);
}, 60_000);
