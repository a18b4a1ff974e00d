// The shell blocks (```sh) of docs/runtimes.md, run in order as a user would type them: Debian's
// containerd and dockerd on private paths (dockerd with runc-ts registered as the runtime `runc-ts`),
// reached through DOCKER_HOST and CONTAINERD_ADDRESS, runc-ts on PATH, temp dirs under the test's own.
// Blocks fenced otherwise (```text, ```json, ```toml) are illustrations and are not run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBusyboxImage, removeCgroupTree, runCommand, startReferenceContainerd, startReferenceDockerd, type ReferenceContainerd, type ReferenceDockerd } from '@stack/tools';

const ROOT = path.resolve(__dirname, '../../..');
const RUNC_TS = path.join(ROOT, 'runc-ts/bin/runc-ts');
// The containers the page makes by hand with runc-ts: each in the cgroup /<id>, as runc puts them.
const BUNDLE_IDS = ['rt-bundle', 'rt-steps'];

let tmp: string;
let containerd: ReferenceContainerd | undefined;
let dockerd: ReferenceDockerd | undefined;
const ns = `docsrt${process.pid}`;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-runtimes-'));
  for (const dir of ['bin', 'home', 'tmp']) fs.mkdirSync(path.join(tmp, dir));
  fs.symlinkSync(RUNC_TS, path.join(tmp, 'bin/runc-ts'));
  containerd = await startReferenceContainerd({ dir: path.join(tmp, 'containerd') });
  const archive = path.join(tmp, 'busybox.tar');
  await buildBusyboxImage({ outDir: path.join(tmp, 'image'), archivePath: archive });
  dockerd = await startReferenceDockerd({ containerdSocket: containerd.socket, runtimes: { 'runc-ts': RUNC_TS }, dir: path.join(tmp, 'dockerd') });
  const loaded = await dockerd.docker(['load', '-i', archive]);
  if (loaded.code !== 0) throw new Error(`docker load: ${loaded.stderr}`);
}, 180_000);

afterAll(async () => {
  try {
    await containerd?.ctr(['task', 'kill', '-s', 'SIGKILL', 'rt-ctr'], { namespace: ns });
    await containerd?.ctr(['task', 'rm', '-f', 'rt-ctr'], { namespace: ns });
    await containerd?.ctr(['container', 'rm', 'rt-ctr'], { namespace: ns });
    await dockerd?.docker(['rm', '-f', 'rt-demo']);
    for (const id of BUNDLE_IDS) {
      await runCommand(RUNC_TS, ['delete', '--force', id], { input: null });
      removeCgroupTree(`/${id}`, { kill: true });
    }
    await dockerd?.stop();
  } finally {
    await containerd?.stop();
    fs.rmSync(`/run/containerd/runc/${ns}`, { recursive: true, force: true });
    removeCgroupTree(`/${ns}`);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('docs/runtimes.md: every shell block runs', async () => {
  const page = fs.readFileSync(path.join(ROOT, 'docs/runtimes.md'), 'utf8');
  const blocks = [...page.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThanOrEqual(4);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${path.join(tmp, 'bin')}:${process.env.PATH ?? ''}`,
    DOCKER_HOST: dockerd!.host,
    DOCKER_CONFIG: path.join(tmp, 'home'),
    CONTAINERD_ADDRESS: containerd!.socket,
    CONTAINERD_NAMESPACE: ns,
    TMPDIR: path.join(tmp, 'tmp'),
  };
  const outputs: string[] = [];
  for (const block of blocks) {
    const r = await runCommand('bash', ['-xeuo', 'pipefail', '-c', block], { input: null, timeoutMs: 120_000, env });
    expect({ block, code: r.code, output: r.code === 0 ? '' : `${r.stdout}\n${r.stderr}` }).toEqual({ block, code: 0, output: '' });
    outputs.push(r.stdout);
  }
  const all = outputs.join('\n');
  expect(all).toMatch(/\brunc runc-ts $/m);
  expect(all).toContain('hello from runc-ts under dockerd');
  expect(all).toContain('exec works\nsleep 3600');
  expect(all).toMatch(/^runc-ts$/m);
  expect(all).toContain('hello from runc-ts under containerd');
  expect(all).toContain('hello from a bundle\n0\n');
  expect(all).toMatch(/^running$/m);
  expect(all).toContain('exec in a bundle');
  // `runc-ts run` deleted its container when the process exited, as the page says.
  expect(fs.existsSync('/run/runc-ts/rt-bundle')).toBe(false);
});
