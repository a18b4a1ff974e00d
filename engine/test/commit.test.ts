// `engine commit` / POST /commit side by side with Debian's dockerd: the same container changes and
// --change edits give an image with the same run config and history shape, which runs and shows the
// changes; the stock docker CLI commits through engined too.
import type { ReferenceDockerd } from '@stack/tools';
import { startBesideDockerd, type BesideDockerd } from './support/beside-dockerd.js';
import type { Stack } from './support/stack.js';

jest.setTimeout(240_000);

let s: Stack;
let side: BesideDockerd;
let dockerd: ReferenceDockerd;
type Run = (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

beforeAll(async () => {
  side = await startBesideDockerd();
  ({ s, dockerd } = side);
}, 180_000);

afterAll(async () => {
  await side?.stop(['src']);
}, 90_000);

async function commitOn(run: Run): Promise<Record<string, string>> {
  const c = await run(['run', '--name', 'src', '--network', 'none', '-e', 'FROM_RUN=1', 'busybox', 'sh', '-c', 'echo data > /committed && rm /bin/ls && mkdir /made']);
  expect(c.code).toBe(0);
  const commit = await run(['commit', '-a', 'Tester <t@example.com>', '-m', 'a message', '-c', 'CMD ["cat", "/committed"]', '-c', 'ENV B=2 C="x y"', '-c', 'EXPOSE 8080/udp', '-c', 'LABEL k=v', '-c', 'WORKDIR /made', 'src', 'committed:v1']);
  expect(commit.stderr).toBe('');
  expect(commit.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  const fmt = async (f: string) => (await run(['inspect', '--type', 'image', '-f', f, 'committed:v1'])).stdout.trim();
  const out = (await run(['run', '--rm', '--network', 'none', 'committed:v1'])).stdout;
  const noLs = (await run(['run', '--rm', '--network', 'none', 'committed:v1', 'sh', '-c', 'test -e /bin/ls && echo present || echo gone; pwd'])).stdout;
  return {
    cmd: await fmt('{{json .Config.Cmd}}'),
    env: await fmt('{{json .Config.Env}}'),
    ports: await fmt('{{json .Config.ExposedPorts}}'),
    labels: await fmt('{{json .Config.Labels}}'),
    workdir: await fmt('{{.Config.WorkingDir}}'),
    author: await fmt('{{.Author}}'),
    comment: await fmt('{{.Comment}}'),
    layers: String(JSON.parse(await fmt('{{json .RootFS.Layers}}')).length),
    out,
    noLs,
  };
}

test('the same commit as dockerd: config, history, layer', async () => {
  const ref = await commitOn((a) => dockerd.docker(a));
  const ours = await commitOn((a) => s.engine(a));
  expect(ours).toEqual(ref);
  expect(ours.out).toBe('data\n');
  expect(ours.noLs).toBe('gone\n/made\n');
  expect(ours.layers).toBe('2');
  // History: the newest entry carries the commit's author, message and the container's command.
  const hist = (run: Run) => run(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', 'committed:v1']);
  expect((await hist((a) => s.docker(a))).stdout.split('\n')[0]).toBe((await hist((a) => dockerd.docker(a))).stdout.split('\n')[0]);
});

test('a change dockerd refuses is refused alike; nothing is tagged', async () => {
  const ours = await s.engine(['commit', '-c', 'RUN true', 'src', 'bad:v1']);
  const ref = await dockerd.docker(['commit', '-c', 'RUN true', 'src', 'bad:v1']);
  expect(ref.code).not.toBe(0);
  expect(ours.code).not.toBe(0);
  expect(ref.stderr).toMatch(/RUN is not a valid change command/i);
  expect(ours.stderr).toMatch(/RUN is not a valid change command/i);
  expect((await s.engine(['inspect', '--type', 'image', 'bad:v1'])).code).not.toBe(0);
});

test('the stock docker CLI commits through engined', async () => {
  expect((await s.engine(['run', '--name', 'src2', '--network', 'none', 'busybox', 'sh', '-c', 'echo two > /two'])).code).toBe(0);
  const r = await s.docker(['commit', 'src2', 'viadocker:latest']);
  expect(r.stderr).toBe('');
  expect((await s.engine(['run', '--rm', '--network', 'none', 'viadocker', 'cat', '/two'])).stdout).toBe('two\n');
});
