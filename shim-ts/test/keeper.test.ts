// The first step of containers outliving their shim (issue 13): under a keeper, `kill -9` of the
// serving shim leaves its containers running, adopted by the keeper, and their exits keep their
// real statuses (without it they go to pid 1 and `shim-ts delete` can only report a kill).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { NAMESPACE, ShimFixture } from './helpers/shim-fixture.js';
import { shimPaths } from '../src/daemon/shim-paths.js';
import { readExit } from '../src/exit/exit-record.js';

jest.setTimeout(60_000);

const fx = new ShimFixture({ keeper: true });
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const ppidOf = (pid: number) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!cond()) throw new Error(`${what}: not within 15 s`);
}

function shimDelete(id: string, bundle: string): { pid: number; exitStatus: number } {
  const out = execFileSync(path.resolve(__dirname, '../../bin/shim-ts'), ['delete', '--state-dir', fx.stateDir, '--runtime-root', fx.runtimeRoot, '--group', fx.group, '--namespace', NAMESPACE, '--id', id, '--bundle', bundle], { encoding: 'utf8' });
  return JSON.parse(out) as { pid: number; exitStatus: number };
}

test('kill -9 of the shim: the keeper adopts its containers and records their real exits', async () => {
  const keeper = fx.keeperPid()!;
  expect(keeper).toBeGreaterThan(0);
  expect(ppidOf(fx.shimPid())).toBe(keeper);
  const later = await fx.bundle(['sh', '-c', 'while [ ! -e /go ]; do sleep 0.05; done; exit 7']);
  const { pid } = await fx.task.create({ id: later.id, bundle: later.dir });
  await fx.task.start({ id: later.id });
  const running = await fx.bundle(['sleep', '600']);
  const { pid: runningPid } = await fx.task.create({ id: running.id, bundle: running.dir });
  await fx.task.start({ id: running.id });

  process.kill(fx.shimPid(), 'SIGKILL');
  await until(() => ppidOf(pid) === keeper && ppidOf(runningPid) === keeper, 'containers adopted by the keeper');
  // The container exits after its shim died: the keeper reaps it and records its own status.
  fs.writeFileSync(path.join(later.dir, 'rootfs', 'go'), '');
  const taskDir = path.join(shimPaths(fx.stateDir, fx.group).tasksDir, NAMESPACE, later.id);
  await until(() => readExit(taskDir, '') !== undefined, 'the exit recorded');
  expect(readExit(taskDir, '')).toMatchObject({ pid, status: 7 });
  expect(shimDelete(later.id, later.dir)).toMatchObject({ pid, exitStatus: 7 });
  // The other one still runs under the keeper; deleting it kills it, and the keeper then leaves.
  expect(fs.existsSync(`/proc/${runningPid}`)).toBe(true);
  expect(shimDelete(running.id, running.dir)).toMatchObject({ pid: runningPid, exitStatus: 137 });
  await until(() => !fs.existsSync(`/proc/${keeper}`), 'the keeper gone with its last container');
});
