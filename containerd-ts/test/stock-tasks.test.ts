// Everyday task calls from stock clients, side by side: Debian's containerd 1.6 (with Debian's runc
// and shim) and containerd-ts get the same busybox image and the same requests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect, createClient, type Client, type GrpcError, type MethodsOf } from '@stack/proto';
import { Tasks } from '@stack/proto/gen/containerd/services/tasks/v1/tasks_pb';
import { removeCgroupTree, runCommand, startReferenceContainerd, type ReferenceContainerd } from '@stack/tools';
import { IMAGE, startTaskFixture, type TaskFixture } from './support/tasks.js';
import { stockCtr, type RunResult } from './support/daemon.js';

jest.setTimeout(180_000);

const RUNC_TS = path.resolve(__dirname, '../../../runc-ts/bin/runc-ts');

let ours: TaskFixture;
let ref: ReferenceContainerd;
let ns: string;
/** The longest namespace containerd allows (76 characters), unique to this run. */
const longNs = () => `long${ns}`.padEnd(76, 'x');

interface Side {
  ctr(args: string[]): Promise<RunResult>;
  ctrIn(namespace: string, args: string[]): Promise<RunResult>;
  tasks: Client<MethodsOf<typeof Tasks>>;
  /** Deletes a container in the runtime itself, behind the daemon's back. */
  runtimeDelete(id: string, binary?: string): Promise<number | 'missing'>;
}
const sides: Record<'containerd' | 'containerd-ts', Side> = {} as never;

/** `delete -f` in a runtime root; 'missing' when the runtime does not know the container there. */
async function deleteIn(binary: string, root: string, id: string): Promise<number | 'missing'> {
  if ((await runCommand(binary, ['--root', root, 'state', id])).code !== 0) return 'missing';
  return (await runCommand(binary, ['--root', root, 'delete', '-f', id])).code;
}

beforeAll(async () => {
  ours = await startTaskFixture('stocktasks');
  ns = ours.ns;
  ref = await startReferenceContainerd();
  const imported = await ref.ctr(['images', 'import', path.join(ours.d.dir, 'busybox.tar')], { namespace: ns });
  if (imported.code !== 0) throw new Error(`reference import: ${imported.stderr}`);
  const refChannel = connect(ref.socket);
  sides['containerd'] = {
    ctr: (args) => ref.ctr(args, { namespace: ns }),
    ctrIn: (namespace, args) => ref.ctr(args, { namespace }),
    tasks: createClient(Tasks, refChannel, { metadata: { 'containerd-namespace': ns } }),
    runtimeDelete: (id, binary = 'runc') => deleteIn(binary, `/run/containerd/runc/${ns}`, id),
  };
  sides['containerd-ts'] = {
    ctr: ours.ctr,
    ctrIn: (namespace, args) => stockCtr(ours.d, ['-n', namespace, ...args]),
    tasks: ours.tasks,
    // The container's own runtime at the shim's --root: runc-ts in <state>/runc/<ns>, a BinaryName's
    // runtime in <state>/runc/external/<ns>.
    runtimeDelete: (id, binary) =>
      binary ? deleteIn(binary, path.join(ours.d.state, 'runc', 'external', ns), id) : deleteIn(RUNC_TS, path.join(ours.d.state, 'runc', ns), id),
  };
});

afterAll(async () => {
  if (ref) {
    for (const id of ['m1', 'k1', 'b1']) {
      await ref.ctr(['task', 'rm', '-f', id], { namespace: ns });
      await ref.ctr(['containers', 'rm', id], { namespace: ns });
    }
    await ref.ctr(['task', 'rm', '-f', 'l1'], { namespace: longNs() });
    await ref.ctr(['containers', 'rm', 'l1'], { namespace: longNs() });
    await ref.stop();
    for (const n of [ns, longNs()]) {
      removeCgroupTree(`/${n}`, { kill: true });
      fs.rmSync(`/run/containerd/runc/${n}`, { recursive: true, force: true });
    }
  }
  await ours?.cleanup();
});

const both = async <T>(fn: (s: Side, who: string) => Promise<T>) => ({
  containerd: await fn(sides['containerd'], 'containerd'),
  'containerd-ts': await fn(sides['containerd-ts'], 'containerd-ts'),
});
const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (err: GrpcError) => `${err.code} ${err.message}`);
/** ctr's metrics table as its row names (the values differ from run to run). */
const metricNames = (out: string) => out.split('\n\n')[1]?.split('\n').slice(1).map((l) => l.split(/\s+/)[0]).filter(Boolean);

test('ctr task metrics prints the cgroup v1 metrics', async () => {
  const r = await both(async (s) => {
    expect((await s.ctr(['run', '-d', IMAGE, 'm1', 'sleep', '300'])).code).toBe(0);
    const m = await s.ctr(['task', 'metrics', 'm1']);
    // ResizePty on a task without a terminal is accepted and does nothing.
    const resize = await outcome(s.tasks.resizePty({ containerId: 'm1', width: 80, height: 24 }));
    await s.ctr(['task', 'rm', '-f', 'm1']);
    await s.ctr(['containers', 'rm', 'm1']);
    return { code: m.code, stderr: m.stderr, header: m.stdout.split('\n')[0]?.split(/\s+/).filter(Boolean), rows: metricNames(m.stdout), resize };
  });
  expect(r['containerd-ts']).toEqual(r['containerd']);
  expect(r['containerd'].rows).toContain('memory.usage_in_bytes');
});

test.each([
  ['the default runtime', []],
  ['Debian runc as BinaryName', ['--runc-binary', '/usr/sbin/runc']],
])('Kill after the runtime lost the container answers NotFound (%s)', async (_what, runtimeFlags) => {
  const r = await both(async (s) => {
    expect((await s.ctr(['run', '-d', ...runtimeFlags, IMAGE, 'k1', 'sleep', '300'])).code).toBe(0);
    const deleted = await s.runtimeDelete('k1', runtimeFlags[1]);
    // The codes must agree; the texts are the shims' own (runc's "no such container", shim-ts's
    // "process already finished").
    const code = (o: string) => o.split(' ')[0];
    const kill = code(await outcome(s.tasks.kill({ containerId: 'k1', signal: 9 })));
    const killAll = code(await outcome(s.tasks.kill({ containerId: 'k1', signal: 9, all: true })));
    const rm = await s.ctr(['task', 'rm', '-f', 'k1']);
    const crm = await s.ctr(['containers', 'rm', 'k1']);
    return { deleted, kill, killAll, rm: rm.code, crm: crm.code };
  });
  expect(r['containerd-ts']).toEqual(r['containerd']);
  expect(r['containerd'].kill).toBe('5');
});

test('a runtime binary that does not exist is refused at task create', async () => {
  const r = await both(async (s) => {
    const run = await s.ctr(['run', '--runc-binary', '/nonexistent/runc', IMAGE, 'b1', 'true']);
    const left = (await s.ctr(['containers', 'ls', '-q'])).stdout.trim();
    await s.ctr(['containers', 'rm', 'b1']);
    // The log path names the daemon's own state dir; the rest must be containerd's words.
    return { code: run.code, stderr: run.stderr.replace(/\(open \S+\/b1\/log\.json:/, '(open BUNDLE/log.json:'), left };
  });
  expect(r['containerd-ts']).toEqual(r['containerd']);
});

test('a 76-character namespace runs a task (the shim socket path is hashed to fit)', async () => {
  const r = await both(async (s) => {
    const imported = await s.ctrIn(longNs(), ['images', 'import', path.join(ours.d.dir, 'busybox.tar')]);
    expect(imported.code).toBe(0);
    const run = await s.ctrIn(longNs(), ['run', '--rm', IMAGE, 'l1', 'echo', 'hi']);
    return { code: run.code, stdout: run.stdout, stderr: run.stderr };
  });
  expect(r['containerd-ts']).toEqual(r['containerd']);
  expect(r['containerd']).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
});

test('a runtime shim-ts does not serve is refused at task create, in containerd\'s words', async () => {
  const r = await both(async (s) => {
    const run = await s.ctr(['run', '--rm', '--runtime', 'io.containerd.nope.v1', IMAGE, 'n1', 'true']);
    const left = (await s.ctr(['containers', 'ls', '-q'])).stdout.trim();
    await s.ctr(['containers', 'rm', 'n1']);
    return { code: run.code, stderr: run.stderr, left };
  });
  expect(r['containerd-ts']).toEqual(r['containerd']);
  expect(r['containerd'].stderr).toMatch(/binary not installed "containerd-shim-nope-v1"/);
});
