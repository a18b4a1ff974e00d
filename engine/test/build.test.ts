// `engine build` / POST /build against a real stack: a multi-stage Dockerfile built by our CLI and by
// the stock docker CLI (classic builder), RUN steps that delete and replace files and directories
// (whiteouts, opaque dirs) checked in a container, the cache on a rebuild, a failing RUN, COPY/ADD
// details (.dockerignore, --chown, globs, tar auto-extraction), and the build cache prune.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as tar from 'tar';
import { startRegistry } from '@stack/tools';
import { startStack, type Stack } from './support/stack.js';

jest.setTimeout(300_000);

let s: Stack;
let ctxRoot: string;

beforeAll(async () => {
  s = await startStack();
  ctxRoot = fs.mkdtempSync(path.join(s.dir, 'contexts-'));
  process.env.DOCKER_BUILDKIT = '0';
}, 180_000);

afterAll(async () => {
  await s?.cleanup();
}, 90_000);

/** A context directory with these files (mode 0644 unless the name ends in `*` for 0755). */
function context(name: string, files: Record<string, string>): string {
  const dir = path.join(ctxRoot, name);
  for (const [f, body] of Object.entries(files)) {
    const exec = f.endsWith('*');
    const p = path.join(dir, exec ? f.slice(0, -1) : f);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, body, { mode: exec ? 0o755 : 0o644 });
  }
  return dir;
}

const MULTI = `# syntax=docker/dockerfile:1
ARG BASE=busybox
FROM \${BASE} AS builder
ARG GREETING=hello
WORKDIR /work
COPY src/ ./src/
RUN mkdir -p /out && \\
    cat src/a.txt src/b.txt > /out/joined.txt && \\
    echo "\${GREETING} from builder" > /out/greeting
FROM busybox
LABEL org.example.stage=final
ENV APP_HOME=/app PATH=/app/bin:$PATH
COPY --from=builder /out/ $APP_HOME/
COPY --chown=1000:1000 run.sh /app/bin/
CMD ["run.sh"]
`;

test('a multi-stage Dockerfile builds with engine build, runs, and has docker-shaped history', async () => {
  const dir = context('multi', { Dockerfile: MULTI, 'src/a.txt': 'A\n', 'src/b.txt': 'B\n', 'run.sh*': '#!/bin/sh\ncat /app/joined.txt /app/greeting\n', 'secret.txt': 'no\n', '.dockerignore': 'secret.txt\n' });
  const r = await s.engine(['build', '-t', 'multi:v1', '--build-arg', 'GREETING=hi', '--network', 'none', dir], { timeoutMs: 180_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Step 1\/12 : ARG BASE=busybox\n/);
  expect(r.stdout).toContain('Step 2/12 : FROM ${BASE} AS builder\n');
  expect(r.stdout).toMatch(/Step 6\/12 : RUN mkdir -p \/out && {5}cat src\/a.txt/);
  expect(r.stdout).toMatch(/ ---> Running in [0-9a-f]{12}\nRemoving intermediate container [0-9a-f]{12}\n ---> [0-9a-f]{12}\n/);
  expect(r.stdout).toMatch(/Successfully built [0-9a-f]{12}\nSuccessfully tagged multi:v1\n$/);
  const run = await s.engine(['run', '--rm', '--network', 'none', 'multi:v1']);
  expect(run.stdout).toBe('A\nB\nhi from builder\n');
  const owner = await s.engine(['run', '--rm', '--network', 'none', 'multi:v1', 'stat', '-c', '%u:%g %a', '/app/bin/run.sh', '/app/joined.txt']);
  expect(owner.stdout).toBe('1000:1000 755\n0:0 644\n');
  const hist = JSON.parse((await s.api('GET', '/images/multi:v1/history')).body) as Array<{ CreatedBy: string; Size: number }>;
  const lines = hist.map((h) => `${h.CreatedBy}|${h.Size}B`);
  expect(lines[0]).toBe('/bin/sh -c #(nop)  CMD ["run.sh"]|0B');
  expect(lines[1]).toMatch(/^\/bin\/sh -c #\(nop\) COPY --chown=1000:1000file:[0-9a-f]{64} in \/app\/bin\/ \|/);
  expect(lines[2]).toMatch(/^\/bin\/sh -c #\(nop\) COPY dir:[0-9a-f]{64} in \/app\/ \|/);
  expect(lines[3]).toBe('/bin/sh -c #(nop)  ENV APP_HOME=/app PATH=/app/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|0B');
  expect(lines[4]).toBe('/bin/sh -c #(nop)  LABEL org.example.stage=final|0B');
  const cfg = JSON.parse((await s.engine(['inspect', '--type', 'image', '-f', '{{json .Config}}', 'multi:v1'])).stdout) as Record<string, unknown>;
  expect(cfg.Cmd).toEqual(['run.sh']);
  expect(cfg.Labels).toEqual({ 'org.example.stage': 'final' });
  // The ignored file never reached the daemon; nothing from the builder stage leaked into the final image.
  expect((await s.engine(['run', '--rm', '--network', 'none', 'multi:v1', 'ls', '/app'])).stdout).toBe('bin\ngreeting\njoined.txt\n');
});

test('the built image pushes to a registry and pulls back into a fresh data root with identical digests', async () => {
  const registry = await startRegistry();
  let fresh: Stack | undefined;
  try {
    const port = Number(new URL(`http://${registry.host}`).port);
    await s.reachHostLoopback(port);
    const name = `${registry.host}/team/multi:1`;
    expect((await s.engine(['tag', 'multi:v1', name])).code).toBe(0);
    const push = await s.engine(['push', name], { timeoutMs: 120_000 });
    expect(push.stderr).toBe('');
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)?.[1];
    expect(digest).toBeDefined();
    const id = (await s.engine(['inspect', '--type', 'image', '-f', '{{.Id}}', 'multi:v1'])).stdout.trim();
    fresh = await startStack({ loadBusybox: false });
    await fresh.reachHostLoopback(port);
    const pull = await fresh.engine(['pull', name], { timeoutMs: 120_000 });
    expect(pull.stdout).toContain(`Digest: ${digest}`);
    expect((await fresh.engine(['inspect', '--type', 'image', '-f', '{{.Id}}', name])).stdout.trim()).toBe(id);
    expect((await fresh.engine(['run', '--rm', '--network', 'none', name])).stdout).toBe('A\nB\nhi from builder\n');
  } finally {
    await fresh?.cleanup();
    await registry.stop();
  }
});

test('a rebuild uses the cache for every step and gives the same image', async () => {
  const dir = path.join(ctxRoot, 'multi');
  const first = (await s.engine(['inspect', '--type', 'image', '-f', '{{.Id}}', 'multi:v1'])).stdout.trim();
  const r = await s.engine(['build', '-t', 'multi:v2', '--build-arg', 'GREETING=hi', '--network', 'none', dir], { timeoutMs: 120_000 });
  expect(r.code).toBe(0);
  expect(r.stdout).not.toContain('Running in');
  expect(r.stdout.match(/ ---> Using cache\n/g)?.length).toBe(9);
  expect((await s.engine(['inspect', '--type', 'image', '-f', '{{.Id}}', 'multi:v2'])).stdout.trim()).toBe(first);
  // A changed file breaks the cache from its COPY on.
  fs.writeFileSync(path.join(dir, 'run.sh'), '#!/bin/sh\necho changed\n', { mode: 0o755 });
  const again = await s.engine(['build', '-q', '--build-arg', 'GREETING=hi', '--network', 'none', dir], { timeoutMs: 120_000 });
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  expect((await s.engine(['run', '--rm', '--network', 'none', again.stdout.trim()])).stdout).toBe('changed\n');
});

test('RUN deleting and replacing files and directories: whiteouts and opaque dirs in the layers', async () => {
  const dir = context('whiteout', {
    Dockerfile: `FROM busybox
RUN mkdir -p /d/sub /keep && echo 1 > /d/sub/f && echo 2 > /d/g && echo k > /keep/k && echo x > /file
RUN rm -rf /d && mkdir -p /d/new && echo n > /d/new/n && rm /file && mkdir /file && rm /bin/ls && echo y > /keep/k2
RUN rm -rf /keep/* && echo z > /keep/z
`,
  });
  const r = await s.engine(['build', '-t', 'wo:v1', '--network', 'none', dir], { timeoutMs: 180_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const tree = await s.engine(['run', '--rm', '--network', 'none', 'wo:v1', 'sh', '-c', 'find /d /keep /file | sort; test -e /bin/ls && echo ls-present || echo ls-gone; test -d /file && echo file-is-dir']);
  expect(tree.stdout).toBe('/d\n/d/new\n/d/new/n\n/file\n/keep\n/keep/z\nls-gone\nfile-is-dir\n');
  const layers = JSON.parse((await s.engine(['inspect', '--type', 'image', '-f', '{{json .RootFS.Layers}}', 'wo:v1'])).stdout) as string[];
  expect(layers).toHaveLength(4);
  // The RUN layers hold only what the commands did: no runtime mount points (hosts, resolv.conf…).
  const diff = await s.engine(['run', '--rm', '--network', 'none', 'wo:v1', 'sh', '-c', 'ls -a /etc']);
  const base = await s.engine(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls -a /etc']);
  expect(diff.stdout).toBe(base.stdout);
});

test('RUN on the default (bridge) network sees its interface; its layer keeps only what it wrote', async () => {
  const dir = context('bridge', { Dockerfile: 'FROM busybox\nRUN ip -o -4 addr show eth0 | grep -q inet && echo ok > /net-ok\n' });
  const r = await s.engine(['build', '-t', 'bridge:v1', dir], { timeoutMs: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const hist = JSON.parse((await s.api('GET', '/images/bridge:v1/json')).body) as { RootFS: { Layers: string[] } };
  expect(hist.RootFS.Layers).toHaveLength(2);
  const tree = await s.engine(['run', '--rm', '--network', 'none', 'bridge:v1', 'sh', '-c', 'cat /net-ok; ls -a /etc | wc -l']);
  const base = await s.engine(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls -a /etc | wc -l']);
  expect(tree.stdout).toBe(`ok\n${base.stdout}`);
});

test('FROM scratch: metadata steps, COPY --from a stage, RUN with what was copied', async () => {
  const dir = context('scratch', {
    Dockerfile: `FROM busybox AS tools
FROM scratch
ENV A=from-scratch
COPY --from=tools /bin/busybox /bin/
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox echo $A > /a"]
CMD ["/bin/busybox", "cat", "/a"]
`,
  });
  const r = await s.engine(['build', '-t', 'scratch:v1', '--network', 'none', dir], { timeoutMs: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('Step 2/6 : FROM scratch\n ---> \n');
  expect((await s.engine(['run', '--rm', '--network', 'none', 'scratch:v1'])).stdout).toBe('from-scratch\n');
  const layers = JSON.parse((await s.api('GET', '/images/scratch:v1/json')).body) as { RootFS: { Layers: string[] } };
  expect(layers.RootFS.Layers).toHaveLength(2);
  // The RUN's layer holds /a only: the runtime's mount points (/etc/hosts…, /proc, /dev) stay out.
  const saved = path.join(ctxRoot, 'scratch.tar');
  expect((await s.engine(['save', '-o', saved, 'scratch:v1'])).code).toBe(0);
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', saved, 'manifest.json']).toString()) as Array<{ Layers: string[] }>;
  const last = execFileSync('tar', ['-xOf', saved, manifest[0]!.Layers[1]!]);
  expect(execFileSync('tar', ['-tz'], { input: last }).toString().split('\n').filter(Boolean)).toEqual(['a']);
});

test('a failing RUN reports its output and exit code; its container is gone and nothing is tagged', async () => {
  const dir = context('failing', { Dockerfile: 'FROM busybox\nRUN echo before-failing && exit 3\n' });
  const before = (await s.engine(['ps', '-aq'])).stdout;
  const r = await s.engine(['build', '-t', 'failing:v1', '--network', 'none', dir], { timeoutMs: 120_000 });
  expect(r.code).toBe(3);
  expect(r.stdout).toContain('before-failing\n');
  expect(r.stderr).toBe("The command '/bin/sh -c echo before-failing && exit 3' returned a non-zero code: 3\n");
  expect((await s.engine(['ps', '-aq'])).stdout).toBe(before);
  expect((await s.engine(['inspect', '--type', 'image', 'failing:v1'])).code).not.toBe(0);
});

test('Dockerfile errors name the line; unsupported syntax is refused clearly', async () => {
  const bad = await s.engine(['build', context('bad', { Dockerfile: 'FROM busybox\nFROB x\n' })]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toBe('Error response from daemon: dockerfile parse error line 2: unknown instruction: FROB\n');
  const mount = await s.engine(['build', context('mount', { Dockerfile: 'FROM busybox\nRUN --mount=type=cache,target=/c true\n' })]);
  expect(mount.stderr).toMatch(/line 2: RUN --mount needs BuildKit/);
  const missing = await s.engine(['build', context('missing', { Dockerfile: 'FROM busybox\nCOPY nothere /x\n' })]);
  expect(missing.stderr).toMatch(/COPY failed: file not found in build context or excluded by \.dockerignore: stat nothere: file does not exist/);
});

test("a context symlink to a host file never copies the host's file", async () => {
  const secret = path.join(s.dir, 'host-secret.txt');
  fs.writeFileSync(secret, 'HOST SECRET\n');
  const dir = context('symlink', { Dockerfile: 'FROM busybox\nCOPY *.lnk /x/\n', 'ok.txt': 'ok\n' });
  fs.symlinkSync(secret, path.join(dir, 'secret.lnk'));
  const glob = await s.engine(['build', '--network', 'none', dir], { timeoutMs: 60_000 });
  expect(glob.code).toBe(1);
  expect(glob.stderr).toBe('COPY failed: no source files were specified\n');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nCOPY secret.lnk /x\n');
  const named = await s.engine(['build', '--network', 'none', dir], { timeoutMs: 60_000 });
  expect(named.code).toBe(1);
  expect(named.stderr).toMatch(/^COPY failed: file not found in build context/);
  // A link that stays inside the context is followed, and the copy keeps the link's name.
  fs.symlinkSync('ok.txt', path.join(dir, 'inside.lnk'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nCOPY inside.lnk /x/\n');
  const inside = await s.engine(['build', '-t', 'symlink:v1', '--network', 'none', dir], { timeoutMs: 60_000 });
  expect(inside.stderr).toBe('');
  expect((await s.engine(['run', '--rm', '--network', 'none', 'symlink:v1', 'cat', '/x/inside.lnk'])).stdout).toBe('ok\n');
});

test('ADD unpacks a local tar; COPY globs; ENV and ARG substitution', async () => {
  const dir = context('add', { Dockerfile: `FROM busybox
ARG WHERE=/opt
ENV DEST=\${WHERE}/x EMPTY=
RUN mkdir -p /opt/x && ln -s / /opt/x/up
ADD bundle.tar \${DEST}/
COPY *.cfg \${EMPTY:-/etc/cfgs}/
RUN test -f /opt/x/inner/file && test -f /etc/cfgs/one.cfg && test -f /etc/cfgs/two.cfg && test ! -e /etc/cfgs/three.txt
`, 'one.cfg': '1', 'two.cfg': '2', 'three.txt': '3' });
  const inner = path.join(ctxRoot, 'bundle-src');
  fs.mkdirSync(path.join(inner, 'inner'), { recursive: true });
  fs.writeFileSync(path.join(inner, 'inner', 'file'), 'in tar');
  fs.symlinkSync('/etc/passwd', path.join(inner, 'inner', 'abs'));
  // Through the image's own link /opt/x/up -> /: lands at the image's root, never the host's.
  const marker = `pwned-by-add-${path.basename(ctxRoot)}`;
  fs.mkdirSync(path.join(inner, 'up'));
  fs.writeFileSync(path.join(inner, 'up', marker), 'x');
  await tar.c({ cwd: inner, file: path.join(dir, 'bundle.tar'), portable: true }, ['inner', `up/${marker}`]);
  const r = await s.engine(['build', '-t', 'add:v1', '--network', 'none', dir], { timeoutMs: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect((await s.engine(['run', '--rm', '--network', 'none', 'add:v1', 'cat', '/opt/x/inner/file'])).stdout).toBe('in tar');
  expect((await s.engine(['run', '--rm', '--network', 'none', 'add:v1', 'readlink', '/opt/x/inner/abs'])).stdout).toBe('/etc/passwd\n');
  expect((await s.engine(['run', '--rm', '--network', 'none', 'add:v1', 'cat', `/${marker}`])).stdout).toBe('x');
  expect(fs.existsSync(`/${marker}`)).toBe(false);
});

test('ADD of a URL downloads it (mode 0600, named from the URL); a URL it cannot fetch fails clearly', async () => {
  const server = http.createServer((req, res) => {
    if (req.url === '/files/data.txt') res.writeHead(200, { 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT' }).end('downloaded\n');
    else res.writeHead(404, 'Not Found').end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    await s.reachHostLoopback(port);
    const dir = context('addurl', { Dockerfile: `FROM busybox\nADD http://127.0.0.1:${port}/files/data.txt /fetched/\n` });
    const r = await s.engine(['build', '-t', 'addurl:v1', '--network', 'none', dir], { timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    const got = await s.engine(['run', '--rm', '--network', 'none', 'addurl:v1', 'sh', '-c', 'cat /fetched/data.txt; stat -c "%a %u %Y" /fetched/data.txt']);
    expect(got.stdout).toBe(`downloaded\n600 0 ${Date.parse('2015-10-21T07:28:00Z') / 1000}\n`);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM busybox\nADD http://127.0.0.1:${port}/missing.txt /x\n`);
    const missing = await s.engine(['build', '--network', 'none', dir], { timeoutMs: 60_000 });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`ADD failed: failed to GET http://127.0.0.1:${port}/missing.txt with status 404 Not Found\n`);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nADD http://127.0.0.1:2/none.txt /x\n');
    const refused = await s.engine(['build', '--network', 'none', dir], { timeoutMs: 60_000 });
    expect(refused.stderr).toMatch(/^ADD failed: failed to GET http:\/\/127\.0\.0\.1:2\/none\.txt: .*ECONNREFUSED/);
  } finally {
    server.close();
  }
});

test('engine build: a Dockerfile on stdin, -f outside the context, --label, --iidfile', async () => {
  const piped = await s.engine(['build', '-q', '--network', 'none', '-'], { input: 'FROM busybox\nRUN echo piped > /p\n', timeoutMs: 120_000 });
  expect(piped.stderr).toBe('');
  expect((await s.engine(['run', '--rm', '--network', 'none', piped.stdout.trim(), 'cat', '/p'])).stdout).toBe('piped\n');
  const dir = context('outside-ctx', { 'data.txt': 'data\n' });
  const df = path.join(ctxRoot, 'Elsewhere.Dockerfile');
  fs.writeFileSync(df, 'FROM busybox\nCOPY data.txt /\n');
  const iid = path.join(ctxRoot, 'iid');
  const r = await s.engine(['build', '-f', df, '--label', 'a=b', '--label', 'c', '--iidfile', iid, '-t', 'outside:v1', '--network', 'none', dir], { timeoutMs: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('Step 3/3 : LABEL "a"="b" "c"=""\n');
  const id = fs.readFileSync(iid, 'utf8');
  expect(id).toBe((await s.engine(['inspect', '--type', 'image', '-f', '{{.Id}}', 'outside:v1'])).stdout.trim());
  expect((await s.engine(['inspect', '--type', 'image', '-f', '{{json .Config.Labels}}', 'outside:v1'])).stdout.trim()).toBe('{"a":"b","c":""}');
  expect((await s.engine(['run', '--rm', '--network', 'none', 'outside:v1', 'cat', '/data.txt'])).stdout).toBe('data\n');
});

test('the stock docker CLI (classic builder) builds through engined', async () => {
  const dir = context('multi-docker', { Dockerfile: MULTI, 'src/a.txt': 'A\n', 'src/b.txt': 'B\n', 'run.sh*': '#!/bin/sh\ncat /app/joined.txt /app/greeting\n' });
  const r = await s.docker(['build', '-t', 'viadocker:v1', '--build-arg', 'GREETING=docker', '--network', 'none', dir], { timeoutMs: 180_000 });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/Successfully tagged viadocker:v1\n$/);
  expect(r.stdout).toMatch(/^Sending build context to Docker daemon[^\n]*\n+Step 1\/12 : ARG BASE=busybox\n/);
  expect((await s.engine(['run', '--rm', '--network', 'none', 'viadocker:v1'])).stdout).toBe('A\nB\ndocker from builder\n');
  const target = await s.docker(['build', '-q', '--target', 'builder', dir], { timeoutMs: 120_000 });
  expect(target.code).toBe(0);
  const id = target.stdout.trim();
  expect((await s.engine(['run', '--rm', '--network', 'none', id, 'cat', '/out/greeting'])).stdout).toBe('hello from builder\n');
});

test('builder prune empties the cache; a rebuild runs every step again', async () => {
  const pruned = JSON.parse((await s.api('POST', '/build/prune')).body) as { CachesDeleted: string[] | null; SpaceReclaimed: number };
  expect(pruned.CachesDeleted?.length).toBeGreaterThan(0);
  const dir = path.join(ctxRoot, 'failing');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nRUN echo ok > /ok\n');
  const r1 = await s.engine(['build', '--network', 'none', dir], { timeoutMs: 120_000 });
  expect(r1.stdout).toContain('Running in');
  const r2 = await s.engine(['build', '--network', 'none', dir], { timeoutMs: 120_000 });
  expect(r2.stdout).toContain('Using cache');
  expect(JSON.parse((await s.api('POST', '/build/prune')).body).CachesDeleted.length).toBe(1);
});
