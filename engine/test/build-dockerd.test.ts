// The same Dockerfile built by the stock docker CLI (classic builder, DOCKER_BUILDKIT=0) against
// Debian's dockerd and against engined: the same step stream (IDs aside), the same history (the
// COPY checksums aside: dockerd's are tarsums), the same run config and layer count, and the same
// answers on a cached rebuild and on a failing step.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ReferenceDockerd } from '@stack/tools';
import { startBesideDockerd, type BesideDockerd } from './support/beside-dockerd.js';
import type { Stack } from './support/stack.js';

jest.setTimeout(300_000);

let s: Stack;
let side: BesideDockerd;
let dockerd: ReferenceDockerd;
let dir: string;
type Run = (args: string[], o?: { timeoutMs?: number }) => Promise<{ code: number; stdout: string; stderr: string }>;

const DOCKERFILE = `FROM busybox AS base
ARG V=1
ENV A=a B="b c"
LABEL x=y "z w"=v
WORKDIR /w
RUN echo $V > f && mkdir d
RUN true
WORKDIR /tmp
COPY f1 f2 /w/
COPY dir /w/copied
COPY --chown=user f1 /w/owned
COPY --chown=nobody:1234 f2 /w/owned2
COPY --chown=1000:nogroup f1 /w/owned3
ADD archive.tar /unpacked/
EXPOSE 80 53/udp
VOLUME /data
USER 1000:1000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s --retries=3 CMD true
ONBUILD RUN echo hi
SHELL ["/bin/sh", "-ec"]
ENTRYPOINT ["/bin/sh"]
CMD ["-c", "echo done"]
FROM base
ARG V
RUN echo $V > /tmp/v
ENV LEGACY value with  spaces
RUN ["sh", "-c", "echo json $V > /tmp/j"]
VOLUME ["/a", "/b"]
LABEL multi="a b" \\
      other=\$notvar
ENTRYPOINT echo entry
CMD echo cmd
`;

beforeAll(async () => {
  side = await startBesideDockerd();
  ({ s, dockerd } = side);
  process.env.DOCKER_BUILDKIT = '0';
  dir = fs.mkdtempSync(path.join(s.dir, 'ctx-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
  fs.writeFileSync(path.join(dir, 'f1'), 'one\n');
  fs.writeFileSync(path.join(dir, 'f2'), 'two\n');
  fs.mkdirSync(path.join(dir, 'dir', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dir', 'sub', 'x'), 'x\n');
  // A tar made by the system's tar, as a user would make one.
  fs.mkdirSync(path.join(s.dir, 'tarsrc', 'in'), { recursive: true });
  fs.writeFileSync(path.join(s.dir, 'tarsrc', 'in', 'y'), 'y\n');
  execFileSync('tar', ['-C', path.join(s.dir, 'tarsrc'), '--owner=0', '--group=0', '-cf', path.join(dir, 'archive.tar'), 'in']);
}, 180_000);

afterAll(async () => {
  await side?.stop();
}, 90_000);

/** The step stream with what must differ (IDs, the context size line, checksums) masked. */
function shape(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => !l.startsWith('Sending build context') && l.trim() !== '')
    .map((l) => l.replace(/\b[0-9a-f]{12}\b/g, '<id>'));
}

async function facts(run: Run, ref: string): Promise<Record<string, unknown>> {
  const inspect = JSON.parse((await run(['image', 'inspect', ref])).stdout) as Array<{ Config: Record<string, unknown>; RootFS: { Layers: string[] }; Author: string }>;
  const hist = JSON.parse((await run(['image', 'inspect', '--format', '{{json .RootFS}}', ref])).stdout) as unknown;
  // Each history entry with whether it added a layer, from the image config itself (docker save).
  const archive = path.join(s.dir, `saved-${Date.now()}.tar`);
  expect((await run(['save', '-o', archive, ref])).code).toBe(0);
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', archive, 'manifest.json']).toString()) as Array<{ Config: string }>;
  const config = JSON.parse(execFileSync('tar', ['-xOf', archive, manifest[0]!.Config]).toString()) as { history: Array<{ created_by: string; empty_layer?: boolean }> };
  fs.rmSync(archive);
  const history = config.history.map((h) => `${h.created_by}|${h.empty_layer ? 'empty' : 'layer'}`).join('\n');
  const c = inspect[0]!.Config;
  return {
    config: { Cmd: c.Cmd, Entrypoint: c.Entrypoint, Env: c.Env, Labels: c.Labels, WorkingDir: c.WorkingDir, User: c.User, ExposedPorts: c.ExposedPorts, Volumes: c.Volumes, StopSignal: c.StopSignal, Healthcheck: c.Healthcheck, OnBuild: c.OnBuild, Shell: c.Shell },
    layers: inspect[0]!.RootFS.Layers.length,
    rootfsType: (hist as { Type: string }).Type,
    history: history.replace(/(file|dir|multi):[0-9a-f]{64}/g, '$1:<sum>'),
  };
}

test('the same Dockerfile gives the same step stream, history and config on both daemons', async () => {
  const ref = await dockerd.docker(['build', '-t', 'diff:v1', '--build-arg', 'V=7', '--network', 'none', dir], { timeoutMs: 240_000 });
  const ours = await s.docker(['build', '-t', 'diff:v1', '--build-arg', 'V=7', '--network', 'none', dir], { timeoutMs: 240_000 });
  if (ref.code !== 0) throw new Error(`dockerd's build failed: ${ref.stderr}\n${ref.stdout.slice(-1500)}`);
  if (ours.code !== 0) throw new Error(`engined's build failed: ${ours.stderr}\n${ours.stdout.slice(-1500)}`);
  expect(shape(ours.stdout)).toEqual(shape(ref.stdout));
  const [a, b] = [await facts((x) => dockerd.docker(x), 'diff:v1'), await facts((x) => s.docker(x), 'diff:v1')];
  expect(b).toEqual(a);
  // The trees agree too.
  const tree = 'find /w /unpacked /tmp/v /tmp/j -exec stat -c "%n %u:%g %a %s" {} + | sort; cat /tmp/v /tmp/j';
  const t1 = await dockerd.docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', '-u', '0', 'diff:v1', '-c', tree]);
  const t2 = await s.docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', '-u', '0', 'diff:v1', '-c', tree]);
  expect(t2.stdout).toBe(t1.stdout);
  expect(t2.stdout).toContain('/w/f2 0:0 644 4\n');
});

test('a rebuild hits the cache at the same steps', async () => {
  const ref = await dockerd.docker(['build', '-t', 'diff:v2', '--build-arg', 'V=7', '--network', 'none', dir], { timeoutMs: 240_000 });
  const ours = await s.docker(['build', '-t', 'diff:v2', '--build-arg', 'V=7', '--network', 'none', dir], { timeoutMs: 240_000 });
  expect(shape(ours.stdout)).toEqual(shape(ref.stdout));
  expect(ours.stdout).toContain('Using cache');
  expect(ours.stdout).not.toContain('Running in');
});

test('a failing RUN: the same output, message and exit code', async () => {
  const d2 = fs.mkdtempSync(path.join(s.dir, 'ctx-'));
  fs.writeFileSync(path.join(d2, 'Dockerfile'), 'FROM busybox\nENV X=1\nRUN echo out-before && false\n');
  const ref = await dockerd.docker(['build', '-t', 'fails:v1', '--network', 'none', d2], { timeoutMs: 120_000 });
  const ours = await s.docker(['build', '-t', 'fails:v1', '--network', 'none', d2], { timeoutMs: 120_000 });
  expect(ours.code).toBe(ref.code);
  expect(shape(ours.stdout)).toEqual(shape(ref.stdout));
  expect(ours.stderr.split('\n').filter((l) => !/DEPRECATED|BuildKit|buildx|Install the|docs.docker.com|^\s*$/.test(l))).toEqual(ref.stderr.split('\n').filter((l) => !/DEPRECATED|BuildKit|buildx|Install the|docs.docker.com|^\s*$/.test(l)));
});

test("whiteouts and opaque dirs: engined's layers, loaded into Debian's dockerd, give the same tree as its own build", async () => {
  const d3 = fs.mkdtempSync(path.join(s.dir, 'ctx-'));
  fs.writeFileSync(
    path.join(d3, 'Dockerfile'),
    `FROM busybox
RUN mkdir -p /d/sub /keep /o && echo 1 > /d/sub/f && echo 2 > /d/g && echo k > /keep/k && echo x > /file && touch /o/a /o/b
RUN rm -rf /d && mkdir -p /d/new && echo n > /d/new/n && rm /file && mkdir /file && rm /bin/ls && rm -rf /o && mkdir /o && touch /o/c
RUN rm -rf /keep/* && echo z > /keep/z && ln -s /keep/z /link
`,
  );
  expect((await s.docker(['build', '-t', 'wo:ours', '--network', 'none', d3], { timeoutMs: 180_000 })).code).toBe(0);
  expect((await dockerd.docker(['build', '-t', 'wo:ref', '--network', 'none', d3], { timeoutMs: 180_000 })).code).toBe(0);
  // Our image, moved to Debian's dockerd as docker save/load moves it: its layers unpacked there.
  const archive = path.join(s.dir, 'wo.tar');
  expect((await s.docker(['save', '-o', archive, 'wo:ours'])).code).toBe(0);
  const loaded = await dockerd.docker(['load', '-i', archive]);
  expect(loaded.stderr).toBe('');
  // /.dockerenv is dockerd's init layer (engined has none: a documented difference), not the image.
  const tree = 'find / -xdev -path /.dockerenv -prune -o \\( -path /proc -o -path /sys -o -path /dev -o -path /etc \\) -prune -o -print | sort; test -e /bin/ls && echo ls || echo no-ls; readlink /link';
  const ref = await dockerd.docker(['run', '--rm', '--network', 'none', 'wo:ref', 'sh', '-c', tree]);
  const oursThere = await dockerd.docker(['run', '--rm', '--network', 'none', 'wo:ours', 'sh', '-c', tree]);
  const oursHere = await s.docker(['run', '--rm', '--network', 'none', 'wo:ours', 'sh', '-c', tree]);
  expect(ref.code).toBe(0);
  expect(oursThere.stdout).toBe(ref.stdout);
  expect(oursHere.stdout).toBe(ref.stdout);
  expect(ref.stdout).toContain('/o/c\n');
  expect(ref.stdout).not.toContain('/o/a\n');
  expect(ref.stdout).toContain('no-ls\n/keep/z\n');
});

test('bad Dockerfiles: the same error and exit code from both daemons', async () => {
  const cases = [
    'FROM busybox\nFROB x\n',
    'FROM busybox\nCOPY nothere /x\n',
    'FROM busybox\nCOPY *.none /x/\n',
    'FROM busybox\nENV\n',
    'FROM busybox\nSHELL /bin/sh -c\n',
    'FROM busybox AS a\nFROM busybox AS a\n',
    'RUN true\n',
    'FROM busybox\nCOPY a b c\n',
    'FROM busybox\nRUN exit 7\n',
  ];
  const clean = (t: string) => t.split('\n').filter((l) => l.trim() !== '' && !/DEPRECATED|BuildKit|buildx|Install the|docs\.docker\.com|^\s+(https?:|Install)/.test(l));
  for (const df of cases) {
    const d = fs.mkdtempSync(path.join(s.dir, 'bad-'));
    fs.writeFileSync(path.join(d, 'Dockerfile'), df);
    fs.writeFileSync(path.join(d, 'a'), 'a');
    fs.writeFileSync(path.join(d, 'b'), 'b');
    const ref = await dockerd.docker(['build', '--network', 'none', d], { timeoutMs: 60_000 });
    const ours = await s.docker(['build', '--network', 'none', d], { timeoutMs: 60_000 });
    expect({ df, code: ours.code, err: clean(ours.stderr) }).toEqual({ df, code: ref.code, err: clean(ref.stderr) });
  }
});
