// ctr-ts's leases, plugins, oci, label, check, tree, fetch and checkpoint commands beside Debian's ctr
// on Debian's containerd 1.6: the same command through both pairs (ctr-ts → containerd-ts, ctr →
// containerd), same columns and cells once ids, times and paths are normalised; and stock ctr's own
// commands against containerd-ts where they need server support (leases, namespace labels, plugins).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unmountAll } from '../src/cmd/ctr/images/host-mount.js';
import { buildBusyboxImage, pushOciLayout, startReferenceContainerd, startRegistry, type BuiltImage, type ReferenceContainerd, type Registry } from '@stack/tools';
import { ctrTs, startTestDaemon, stockCtr, type RunResult, type TestDaemon } from './support/daemon.js';
import { removeTree, tempDir } from './support/temp.js';

jest.setTimeout(180_000);

let dir: string;
let daemon: TestDaemon;
let ref: ReferenceContainerd;
let registry: Registry;
let bb: BuiltImage;
/** The name both stores give the imported image (ctr keeps an archive's name as written). */
const NAME = 'docker.io/library/busybox:latest';

type Run = (args: string[]) => Promise<RunResult>;
const ours: Run = (args) => ctrTs(daemon, args);
const theirs: Run = (args) => ref.ctr(args);

/** Rows of cells (tabwriter columns are separated by two or more spaces, or one before a cell ctr pads). */
const cells = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) =>
      l
        .trim()
        .split(/\s{2,}|\s(?=\S)/)
        .filter(Boolean)
        // Label lists come from a Go map on ctr's side: in any order.
        .map((c) => (c.includes('=') ? c.split(',').sort().join(',') : c)),
    );
const norm = (s: string) => s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, '<time>').replace(/^ctr(-ts)?: /gm, 'ctr: ');

beforeAll(async () => {
  dir = tempDir('ctr-reference-');
  bb = await buildBusyboxImage({ outDir: path.join(dir, 'busybox-layout'), archivePath: path.join(dir, 'busybox.tar'), repoTag: NAME });
  registry = await startRegistry();
  await pushOciLayout(registry, bb.layoutDir, 'library/busybox:latest');
  daemon = await startTestDaemon();
  ref = await startReferenceContainerd({ dir: path.join(dir, 'ref') });
  const archive = path.join(dir, 'busybox.tar');
  for (const [run, what] of [[ours, 'ctr-ts'], [theirs, 'ctr']] as const) {
    const r = await run(['images', 'import', archive]);
    if (r.code !== 0) throw new Error(`${what} images import: ${r.stderr}`);
  }
});

afterAll(async () => {
  await ref?.stop();
  await daemon?.stop();
  daemon?.cleanup();
  await registry?.stop();
  if (dir) removeTree(dir);
});

test('leases create / ls / rm: same output, same expiry label, same error for an unknown lease', async () => {
  for (const run of [ours, theirs]) {
    expect((await run(['leases', 'create', '--id', 'l1', 'team=a'])).stdout).toBe('l1\n');
    expect((await run(['leases', 'create', '--id', 'l2', '-x', '0'])).stdout).toBe('l2\n');
  }
  const [a, b] = await Promise.all([ours(['leases', 'ls']), theirs(['leases', 'ls'])]);
  expect(cells(norm(a.stdout))).toEqual(cells(norm(b.stdout)));
  expect(a.stdout).toMatch(/l1\s+\S+Z\s+containerd\.io\/gc\.expire=\S+Z,team=a|l1\s+\S+Z\s+team=a,containerd\.io\/gc\.expire=/);
  const [qa, qb] = await Promise.all([ours(['leases', 'ls', '-q']), theirs(['leases', 'ls', '-q'])]);
  expect(qa.stdout.split('\n').sort()).toEqual(qb.stdout.split('\n').sort());
  const [ra, rb] = await Promise.all([ours(['leases', 'rm', 'l1', 'l2']), theirs(['leases', 'rm', 'l1', 'l2'])]);
  expect(ra).toEqual(rb);
  const [na, nb] = await Promise.all([ours(['leases', 'rm', 'nope']), theirs(['leases', 'rm', 'nope'])]);
  expect({ code: na.code, stderr: norm(na.stderr) }).toEqual({ code: nb.code, stderr: norm(nb.stderr) });
  expect((await ours(['leases', 'create', '-x', 'soon'])).stderr).toMatch(/invalid duration "soon"/);
});

test('stock ctr drives containerd-ts leases and namespace labels', async () => {
  const created = await stockCtr(daemon, ['leases', 'create', '--id', 'from-ctr', 'k=v']);
  expect(created).toMatchObject({ code: 0, stdout: 'from-ctr\n' });
  expect((await ours(['leases', 'ls', '-q'])).stdout).toBe('from-ctr\n');
  expect((await stockCtr(daemon, ['leases', 'rm', 'from-ctr'])).stdout).toBe('from-ctr\n');
  expect((await stockCtr(daemon, ['namespaces', 'label', 'default', 'owner=ctr'])).code).toBe(0);
  expect((await ours(['namespaces', 'ls'])).stdout).toMatch(/default\s+owner=ctr/);
  await ours(['namespaces', 'label', 'default', 'owner=']);
});

test('namespaces label: set, clear, a bare key is "true"; prints nothing', async () => {
  for (const run of [ours, theirs]) {
    const r = await run(['namespaces', 'label', 'default', 'a=b', 'c=d', 'flag']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    await run(['namespaces', 'label', 'default', 'a=']);
  }
  const [a, b] = await Promise.all([ours(['namespaces', 'ls']), theirs(['namespaces', 'ls'])]);
  expect(cells(a.stdout)).toEqual(cells(b.stdout));
  expect(a.stdout).toMatch(/default\s+c=d,flag=true/);
});

test('images label: prints the labels after the change; -r replaces them all', async () => {
  const sortedLabels = (r: RunResult) => ({ code: r.code, labels: r.stdout.trim().split(',').sort() });
  for (const args of [['x=1', 'y=2'], ['x='], ['-r', 'q=1']]) {
    const [a, b] = await Promise.all([ours(['images', 'label', ...(args[0] === '-r' ? ['-r', NAME, ...args.slice(1)] : [NAME, ...args])]), theirs(['images', 'label', ...(args[0] === '-r' ? ['-r', NAME, ...args.slice(1)] : [NAME, ...args])])]);
    expect({ args, ...sortedLabels(a) }).toEqual({ args, ...sortedLabels(b) });
  }
  const [a, b] = await Promise.all([ours(['images', 'label', 'nothing:1', 'a=b']), theirs(['images', 'label', 'nothing:1', 'a=b'])]);
  expect(a.code).toBe(b.code);
});

test('images check: same columns and cells, -q the ready ones', async () => {
  const [a, b] = await Promise.all([ours(['images', 'check']), theirs(['images', 'check'])]);
  expect(cells(a.stdout)).toEqual(cells(b.stdout));
  expect(a.stdout).toMatch(/complete \(2\/2\)\s+1\.0 MiB\/1\.0 MiB\s+true/);
  const [qa, qb] = await Promise.all([ours(['images', 'check', '-q']), theirs(['images', 'check', '-q'])]);
  expect(qa.stdout).toBe(qb.stdout);
});

test('content fetch: the content and the image record, as ctr leaves them', async () => {
  const name = `${registry.host}/library/busybox:latest`;
  const [fa, fb] = await Promise.all([ours(['content', 'fetch', '--plain-http', '--plain', name]), theirs(['content', 'fetch', '--plain-http', name])]);
  expect(fa.code).toBe(0);
  expect(fb.code).toBe(0);
  // The same blobs as the imported image's (so its snapshots make it count as unpacked on both).
  const [a, b] = await Promise.all([ours(['images', 'check', `name==${name}`]), theirs(['images', 'check', `name==${name}`])]);
  expect(a.code).toBe(0);
  expect(cells(a.stdout)).toEqual(cells(b.stdout));
  expect(cells(a.stdout)).toHaveLength(2);
});

test('snapshots tree: the same drawing', async () => {
  for (const run of [ours, theirs]) {
    const top = cells((await run(['snapshots', 'ls'])).stdout)[1]?.[0] ?? '';
    expect((await run(['snapshots', 'prepare', 'act1', top])).code).toBe(0);
    expect((await run(['snapshots', 'prepare', 'act2', top])).code).toBe(0);
  }
  const [a, b] = await Promise.all([ours(['snapshots', 'tree']), theirs(['snapshots', 'tree'])]);
  expect(a.stdout.split('\n').sort()).toEqual(b.stdout.split('\n').sort());
  expect(a.stdout).toMatch(/^ sha256:[a-f0-9]{64}\n {2}\\_ act1\n {2}\\_ act2\n$/);
  for (const run of [ours, theirs]) await run(['snapshots', 'rm', 'act1', 'act2']);
});

test('images mount / unmount: a view on the target under a lease named after it; unmount --rm removes both', async () => {
  for (const [run, side] of [[ours, 'ours'], [theirs, 'ref']] as const) {
    const target = path.join(dir, `mnt-${side}`);
    fs.mkdirSync(target);
    try {
      expect(await run(['images', 'mount', NAME, target])).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^sha256:[a-f0-9]{64}\n${target}\n$`)) });
      expect(fs.existsSync(path.join(target, 'bin/busybox'))).toBe(true);
      const lease = cells((await run(['leases', 'ls'])).stdout).find((r) => r[0] === target);
      expect(lease?.[2]).toBe(`containerd.io/gc.expire=${lease?.[2]?.split('=')[1]?.split(',')[0] ?? ''},containerd.io/gc.ref.snapshot.overlayfs=${target}`);
      expect(cells((await run(['snapshots', 'ls'])).stdout).find((r) => r[0] === target)?.[2]).toBe('View');
      expect(await run(['images', 'unmount', '--rm', target])).toMatchObject({ code: 0, stdout: `${target}\n` });
      expect(fs.readdirSync(target)).toEqual([]);
      expect((await run(['snapshots', 'ls'])).stdout).not.toContain(target);
      expect((await run(['leases', 'ls'])).stdout).not.toContain(target);
    } finally {
      await unmountAll(target);
    }
  }
});

/** JSON with object keys sorted, so two specs compare whatever order each side wrote them in. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

test('containers create: the very OCI spec ctr writes, for each flag set', async () => {
  const sets = [
    [],
    ['--privileged'],
    ['--net-host', '--read-only'],
    ['--cap-add', 'CAP_SYS_ADMIN', '--cap-drop', 'CAP_KILL', '--device', '/dev/zero'],
    ['--env', 'A=1', '--cwd', '/tmp', '--mount', 'type=bind,src=/tmp,dst=/h,options=rbind:ro', '--label', 'k=v', '--annotation', 'a=b'],
    ['--memory-limit', '10000000'],
    ['-t', '--allow-new-privs', '--with-ns', 'network:/proc/1/ns/net'],
  ];
  for (const [i, flags] of sets.entries()) {
    const id = `spec${i}`;
    const [ca, cb] = await Promise.all([ours(['containers', 'create', ...flags, NAME, id, 'true']), theirs(['containers', 'create', ...flags, NAME, id, 'true'])]);
    expect({ flags, codes: [ca.code, cb.code] }).toEqual({ flags, codes: [0, 0] });
    const [ia, ib] = await Promise.all([ours(['containers', 'info', id]), theirs(['containers', 'info', id])]);
    const spec = (r: RunResult) => canonical((JSON.parse(r.stdout) as { Spec: unknown }).Spec);
    expect({ flags, spec: spec(ia) }).toEqual({ flags, spec: spec(ib) });
    await Promise.all([ours(['containers', 'rm', id]), theirs(['containers', 'rm', id])]);
  }
});

test('run flags: --privileged, --cap-add/--cap-drop, --device, --net-host, --read-only, --rootfs give what ctr gives', async () => {
  const probe = 'grep -E "^Cap(Eff|Bnd)" /proc/self/status; ls -l /dev/zero 2>&1 | cut -c1-10; ls /dev | wc -l; touch /probe 2>&1 | sed "s/.*: //"; cat /proc/self/mountinfo | grep -c " /etc/hosts "';
  const cases: Array<[string, string[]]> = [
    ['default', []],
    ['caps', ['--cap-add', 'CAP_SYS_ADMIN', '--cap-drop', 'CAP_CHOWN']],
    ['device', ['--device', '/dev/zero']],
    ['net-host', ['--net-host']],
    ['read-only', ['--read-only']],
    ['privileged', ['--privileged']],
  ];
  for (const [name, flags] of cases) {
    // Different IDs: both runtimes would use the cgroup /default/<id>.
    const [a, b] = await Promise.all([ours(['run', '--rm', ...flags, NAME, `f-${name}-ours`, 'sh', '-c', probe]), theirs(['run', '--rm', ...flags, NAME, `f-${name}-ref`, 'sh', '-c', probe])]);
    expect({ name, code: a.code, stdout: a.stdout, stderr: a.stderr }).toEqual({ name, code: b.code, stdout: b.stdout, stderr: b.stderr });
  }
  // --env-file (before --env), --with-ns (the host's network namespace), --pid-file.
  const envFile = path.join(dir, 'env');
  fs.writeFileSync(envFile, 'FROM_FILE=1\nBOTH=file\n');
  for (const [name, flags, cmd] of [
    ['env-file', ['--env-file', envFile, '--env', 'BOTH=flag'], 'env | sort'],
    ['with-ns', ['--with-ns', 'network:/proc/1/ns/net'], 'wc -l < /proc/net/dev'],
  ] as const) {
    const [a, b] = await Promise.all([ours(['run', '--rm', ...flags, NAME, `n-${name}-ours`, 'sh', '-c', cmd]), theirs(['run', '--rm', ...flags, NAME, `n-${name}-ref`, 'sh', '-c', cmd])]);
    expect({ name, code: a.code, stdout: a.stdout }).toEqual({ name, code: b.code, stdout: b.stdout });
  }
  const pidFiles = [path.join(dir, 'pid-ours'), path.join(dir, 'pid-ref')];
  const [pa, pb] = await Promise.all([ours(['run', '--rm', '--pid-file', pidFiles[0]!, NAME, 'p-ours', 'true']), theirs(['run', '--rm', '--pid-file', pidFiles[1]!, NAME, 'p-ref', 'true'])]);
  expect([pa.code, pb.code]).toEqual([0, 0]);
  for (const f of pidFiles) expect(fs.readFileSync(f, 'utf8')).toMatch(/^[1-9]\d*$/);

  const rootfs = path.join(dir, 'rootfs');
  fs.mkdirSync(rootfs);
  const layer = bb.layers[0];
  if (!layer) throw new Error('busybox has no layer');
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  expect(spawnSync('tar', ['-C', rootfs, '-xzf', path.join(bb.layoutDir, 'blobs/sha256', layer.digest.replace(/^sha256:/, ''))]).status).toBe(0);
  // No image config, so no PATH in the spec (as ctr): the command is given by its path. (A bare `sh`
  // fails under runc; runc-ts looks it up in a default PATH instead.)
  const spec = JSON.parse((await ours(['containers', 'create', '--rootfs', rootfs, 'r-spec', '/bin/true'])).stdout || '{}') as unknown;
  expect(spec).toEqual({});
  const info = JSON.parse((await ours(['containers', 'info', 'r-spec'])).stdout) as { Spec: { process: { env: string[] }; root: { path: string } } };
  expect(info.Spec.process.env).toEqual([]);
  expect(info.Spec.root.path).toBe(rootfs);
  expect((await ours(['containers', 'rm', 'r-spec'])).code).toBe(0);
  const [a, b] = await Promise.all([ours(['run', '--rm', '--rootfs', rootfs, 'r-ours', '/bin/sh', '-c', 'ls /; echo done']), theirs(['run', '--rm', '--rootfs', rootfs, 'r-ref', '/bin/sh', '-c', 'ls /; echo done'])]);
  expect({ code: a.code, stdout: a.stdout }).toEqual({ code: b.code, stdout: b.stdout });
  expect(a.stdout).toMatch(/^bin$[\s\S]*done\n$/m);
  // Nothing left behind on our side: no container record, no snapshot named after it.
  expect((await ours(['containers', 'ls'])).stdout).not.toContain('r-ours');
});

test('oci spec: the same default spec, byte for byte', async () => {
  const [a, b] = await Promise.all([ours(['oci', 'spec']), theirs(['oci', 'spec'])]);
  expect(a).toEqual(b);
  const [na, nb] = await Promise.all([ours(['-n', 'other', 'oci', 'spec']), theirs(['-n', 'other', 'oci', 'spec'])]);
  expect(na.stdout).toBe(nb.stdout);
});

test('plugins ls: same columns; -q ids; -d one block per plugin', async () => {
  const [a, b] = await Promise.all([ours(['plugins', 'ls']), theirs(['plugins', 'ls'])]);
  expect(cells(a.stdout)[0]).toEqual(cells(b.stdout)[0]);
  // containerd-ts's plugins are a subset of containerd's, by type and id.
  const ids = (r: RunResult) => cells(r.stdout).slice(1).map((c) => `${c[0]} ${c[1]}`);
  expect(ids(a)).toEqual(expect.arrayContaining(['io.containerd.content.v1 content', 'io.containerd.snapshotter.v1 overlayfs']));
  expect(a.stdout).toMatch(/io\.containerd\.snapshotter\.v1\s+overlayfs\s+linux\/amd64\s+ok/);
  expect((await ours(['plugins', 'ls', '-q'])).stdout).toMatch(/^overlayfs$/m);
  const d = await ours(['plugins', 'ls', '-d']);
  expect(d.stdout).toMatch(/^Type: {10}io\.containerd\.snapshotter\.v1\nID: {12}overlayfs\nPlatforms: {5}linux\/amd64\nExports: {6}\n {15}root {6}\S+overlayfs\n/m);
  // Stock ctr reads containerd-ts's introspection the same way.
  const stock = await stockCtr(daemon, ['plugins', 'ls']);
  expect(cells(stock.stdout).slice(1).map((c) => `${c[0]} ${c[1]}`)).toEqual(ids(a));
});

test('tasks checkpoint is refused by the daemon as not supported; containers checkpoint/restore too', async () => {
  const r = await ours(['run', '-d', NAME, 'cp1', 'sleep', '60']);
  expect(r.code).toBe(0);
  try {
    const c = await ours(['tasks', 'checkpoint', 'cp1']);
    expect(c.code).toBe(1);
    expect(c.stderr).toBe('ctr-ts: checkpointing tasks is not supported\n');
    const cc = await ours(['containers', 'checkpoint', '--task', 'cp1', 'cp1-checkpoint:1']);
    expect({ code: cc.code, stderr: cc.stderr }).toEqual({ code: 1, stderr: 'ctr-ts: containers checkpoint cp1: checkpoint/restore is not supported by containerd-ts (runc-ts has no CRIU support)\n' });
    expect((await ours(['containers', 'restore', 'cp1', 'cp1-checkpoint:1'])).code).toBe(1);
  } finally {
    await ours(['tasks', 'kill', '-s', 'SIGKILL', 'cp1']);
    await ours(['tasks', 'rm', '-f', 'cp1']);
    await ours(['containers', 'rm', 'cp1']);
  }
});

// Last: it frees the layer blobs the other tests read.
test('content prune references: layer reference labels removed, layers collected, as containerd', async () => {
  const [da, db] = await Promise.all([ours(['content', 'prune', 'references', '--dry']), theirs(['content', 'prune', 'references', '--dry'])]);
  expect([da.code, db.code]).toEqual([0, 0]);
  expect(da.stderr).toMatch(/containerd\.io\/gc\.ref\.content\.l\.0/);
  expect(db.stderr).toMatch(/containerd\.io\/gc\.ref\.content\.l\.0/);
  const [a, b] = await Promise.all([ours(['content', 'prune', 'references']), theirs(['content', 'prune', 'references'])]);
  expect(a).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(b.code).toBe(0);
  // What is left: the same blobs, sizes and labels (and the same header; ages vary by a second).
  const blobs = (r: RunResult) => cells(r.stdout).map((c) => [c[0], c[1], c.at(-1)]);
  const [la, lb] = await Promise.all([ours(['content', 'ls']), theirs(['content', 'ls'])]);
  expect(blobs(la)).toEqual(blobs(lb));
  expect(la.stdout).not.toContain('gc.ref.content.l.');
  const [ca, cb] = await Promise.all([ours(['images', 'check']), theirs(['images', 'check'])]);
  expect(cells(ca.stdout)).toEqual(cells(cb.stdout));
  expect(ca.stdout).toMatch(/incomplete \(1\/2\)\s+366\.0 B\/1\.0 MiB\s+true/);
});
