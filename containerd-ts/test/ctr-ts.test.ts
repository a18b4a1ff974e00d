// ctr-ts's commands against the daemon: namespaces, content, snapshots, containers (records made
// through the API as a Tasks client would), events, JSON output; and registry mirrors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { pushOciLayout, startRegistry, type BuiltImage, type Registry } from '@stack/tools';
import { connectStack, type StackClient } from '../src/client/client.js';
import { CTR_TS_BIN, ctrTs, startTestDaemon, stockCtr, type TestDaemon } from './support/daemon.js';
import { busybox, topChainId } from './support/images.js';
import { mountAll, removeTree, tempDir } from './support/temp.js';

jest.setTimeout(120_000);

describe('ctr-ts commands', () => {
  let dir: string;
  let registry: Registry;
  let daemon: TestDaemon;
  let bb: BuiltImage;
  let client: StackClient;

  beforeAll(async () => {
    dir = tempDir('ctr-ts-');
    registry = await startRegistry();
    bb = await busybox(dir);
    await pushOciLayout(registry, bb.layoutDir, 'library/busybox:latest');
    // docker.io is mirrored to the local registry: `busybox` resolves as Docker does, then comes from the mirror.
    daemon = await startTestDaemon({ config: `version = 2\n[registry.mirrors."docker.io"]\nendpoint = ["http://${registry.host}"]\n` });
    client = connectStack(daemon.socket, 'default');
  });

  afterAll(async () => {
    client?.close();
    await daemon?.stop();
    daemon?.cleanup();
    await registry?.stop();
    if (dir) removeTree(dir);
  });

  test('a Docker Hub short name is pulled through the configured mirror', async () => {
    const r = await ctrTs(daemon, ['images', 'pull', 'busybox']);
    expect(r.stderr).not.toMatch(/ctr-ts:/);
    expect(r.stdout.trim()).toBe(`docker.io/library/busybox:latest ${bb.manifestDigest}`);
    const ls = await ctrTs(daemon, ['images', 'ls']);
    expect(ls.stdout).toMatch(/^REF\s+TYPE\s+DIGEST\s+SIZE\s+PLATFORMS\s+LABELS$/m);
    expect(ls.stdout).toMatch(/docker\.io\/library\/busybox:latest\s+application\/vnd\.oci\.image\.manifest\.v1\+json\s+sha256:\S+\s+[\d.]+ MiB\s+linux\/amd64/);
  });

  test('namespaces create, ls (table and JSON), rm', async () => {
    expect((await ctrTs(daemon, ['namespaces', 'create', 'team-a', 'owner=ops'])).code).toBe(0);
    const dup = await ctrTs(daemon, ['namespaces', 'create', 'team-a']);
    expect(dup.stderr).toMatch(/namespace team-a: already exists/);
    const json = JSON.parse((await ctrTs(daemon, ['--format', 'json', 'namespaces', 'ls'])).stdout) as Array<{ name: string; labels: Record<string, string> }>;
    expect(json).toEqual(expect.arrayContaining([{ name: 'team-a', labels: { owner: 'ops' } }]));
    expect((await ctrTs(daemon, ['ns', 'rm', 'team-a'])).code).toBe(0);
    const busy = await ctrTs(daemon, ['ns', 'rm', 'default']);
    expect(busy.stderr).toMatch(/namespace default must be empty, but it still has images/);
  });

  test('content ls, get and rm', async () => {
    const ls = JSON.parse((await ctrTs(daemon, ['--format', 'json', 'content', 'ls'])).stdout) as Array<{ digest: string; size: number; labels: Record<string, string> }>;
    const cfg = ls.find((c) => c.digest === bb.configDigest);
    expect(cfg?.labels['containerd.io/gc.ref.snapshot.overlayfs']).toBe(topChainId(bb));
    const got = await ctrTs(daemon, ['content', 'get', bb.configDigest]);
    expect(JSON.parse(got.stdout)).toMatchObject({ config: { Cmd: ['sh'] } });
    const layer = bb.layers[0]?.digest as string;
    const out = path.join(dir, 'layer.tgz');
    await new Promise<void>((resolve, reject) => {
      const c = spawn(process.execPath, [CTR_TS_BIN, '--address', daemon.socket, 'content', 'get', layer], { stdio: ['ignore', fs.openSync(out, 'w'), 'inherit'] });
      c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    });
    expect(fs.statSync(out).size).toBe(bb.layers[0]?.size);
    const tmp = await ctrTs(daemon, ['-n', 'scratch', 'images', 'pull', 'busybox']);
    expect(tmp.code).toBe(0);
    expect((await ctrTs(daemon, ['-n', 'scratch', 'content', 'rm', layer])).stdout.trim()).toBe(layer);
    expect((await ctrTs(daemon, ['-n', 'scratch', 'content', 'get', layer])).stderr).toMatch(/not found/);
  });

  test('snapshots prepare, mounts, commit, usage, view and rm', async () => {
    const key = 'work-1';
    const prep = await ctrTs(daemon, ['--format', 'json', 'snapshots', 'prepare', key, topChainId(bb)]);
    const mounts = JSON.parse(prep.stdout) as Array<{ type: string; source: string; options: string[] }>;
    expect(mounts[0]?.type).toBe('overlay');
    const mnt = fs.mkdtempSync(path.join(dir, 'mnt-'));
    mountAll(mounts, mnt);
    try {
      fs.writeFileSync(path.join(mnt, 'new-file'), 'written in the container\n');
      fs.rmSync(path.join(mnt, 'bin', 'ls'));
    } finally {
      require('node:child_process').execFileSync('umount', [mnt]);
    }
    const text = await ctrTs(daemon, ['snapshots', 'mounts', '/target', key]);
    expect(text.stdout).toMatch(/^mount -t overlay overlay \/target -o index=off,workdir=.*,upperdir=.*,lowerdir=/);
    expect((await ctrTs(daemon, ['snapshots', 'commit', 'layer-2', key])).code).toBe(0);
    const usage = JSON.parse((await ctrTs(daemon, ['--format', 'json', 'snapshots', 'usage', 'layer-2'])).stdout) as Array<{ key: string; size: number; inodes: number }>;
    // the root, new-file, the copied-up bin/ and the whiteout of bin/ls
    expect(usage[0]).toMatchObject({ key: 'layer-2', inodes: 4 });
    const view = JSON.parse((await ctrTs(daemon, ['--format', 'json', 'snapshots', 'view', 'v2', 'layer-2'])).stdout) as Array<{ type: string; source: string; options: string[] }>;
    const vm = fs.mkdtempSync(path.join(dir, 'view-'));
    mountAll(view, vm);
    try {
      expect(fs.readFileSync(path.join(vm, 'new-file'), 'utf8')).toBe('written in the container\n');
      expect(fs.existsSync(path.join(vm, 'bin', 'ls'))).toBe(false);
      expect(fs.existsSync(path.join(vm, 'bin', 'sh'))).toBe(true);
    } finally {
      require('node:child_process').execFileSync('umount', [vm]);
    }
    const blocked = await ctrTs(daemon, ['snapshots', 'rm', 'layer-2']);
    expect(blocked.stderr).toMatch(/cannot remove snapshot layer-2: it has children/);
    expect((await ctrTs(daemon, ['snapshots', 'rm', 'v2', 'layer-2'])).code).toBe(0);
  });

  test('containers ls, info and rm over records a Tasks client would create', async () => {
    await client.snapshots.prepare({ snapshotter: 'overlayfs', key: 'c1-rootfs', parent: topChainId(bb) });
    const spec = { ociVersion: '1.0.2', process: { args: ['sh'] } };
    await client.containers.create({
      container: {
        id: 'c1',
        image: 'docker.io/library/busybox:latest',
        labels: { app: 'web' },
        runtime: { name: 'io.containerd.runc.v2' },
        spec: { typeUrl: 'types.containerd.io/opencontainers/runtime-spec/1/Spec', value: Buffer.from(JSON.stringify(spec)) },
        snapshotter: 'overlayfs',
        snapshotKey: 'c1-rootfs',
      },
    });
    const ls = await ctrTs(daemon, ['containers', 'ls']);
    expect(ls.stdout).toMatch(/^c1\s+docker\.io\/library\/busybox:latest\s+io\.containerd\.runc\.v2$/m);
    const stock = await stockCtr(daemon, ['containers', 'ls', '-q']);
    expect(stock.stdout.trim()).toBe('c1');
    const info = JSON.parse((await ctrTs(daemon, ['containers', 'info', 'c1'])).stdout) as { Spec: unknown; Labels: Record<string, string>; SnapshotKey: string };
    expect(info).toMatchObject({ Spec: spec, Labels: { app: 'web' }, SnapshotKey: 'c1-rootfs' });
    const filtered = await ctrTs(daemon, ['containers', 'ls', '-q', 'labels.app==db']);
    expect(filtered.stdout.trim()).toBe('');
    expect((await ctrTs(daemon, ['containers', 'rm', 'c1'])).stdout.trim()).toBe('c1');
    await expect(client.snapshots.stat({ snapshotter: 'overlayfs', key: 'c1-rootfs' })).rejects.toMatchObject({ code: 5 });
    expect((await ctrTs(daemon, ['containers', 'info', 'c1'])).stderr).toMatch(/container "c1": not found/);
  });

  test('leases over the API: resources, listing, delete with sync collection', async () => {
    const { lease } = await client.leases.create({ id: 'hold-it', labels: { purpose: 'test' } });
    expect(lease?.id).toBe('hold-it');
    await client.snapshots.prepare({ snapshotter: 'overlayfs', key: 'leased-rw', parent: topChainId(bb) }, { metadata: { 'containerd-lease': 'hold-it' } });
    const { resources } = await client.leases.listResources({ id: 'hold-it' });
    expect(resources).toEqual([expect.objectContaining({ id: 'leased-rw', type: 'snapshots/overlayfs' })]);
    await client.leases.addResource({ id: 'hold-it', resource: { id: bb.configDigest, type: 'content' } });
    const { leases } = await client.leases.list({ filters: ['labels.purpose==test'] });
    expect(leases.map((l) => l.id)).toEqual(['hold-it']);
    await expect(client.leases.addResource({ id: 'hold-it', resource: { id: 'x', type: 'bogus' } })).rejects.toMatchObject({ code: 3 });
    await client.leases.delete({ id: 'hold-it', sync: true });
    await expect(client.snapshots.stat({ snapshotter: 'overlayfs', key: 'leased-rw' })).rejects.toMatchObject({ code: 5 });
  });

  test('events published by a client reach subscribers; bad topics are refused', async () => {
    const ac = new AbortController();
    const got: string[] = [];
    const sub = (async () => {
      try {
        for await (const e of client.events.subscribe({ filters: ['topic=="/custom/thing"'] }, { signal: ac.signal })) {
          got.push(`${e.namespace} ${e.topic} ${e.event?.typeUrl} ${Buffer.from(e.event?.value ?? []).toString()}`);
          ac.abort();
        }
      } catch {
        // cancelled
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await client.events.publish({ topic: '/custom/thing', event: { typeUrl: 'example.Thing', value: Buffer.from('payload') } });
    await sub;
    expect(got).toEqual(['default /custom/thing example.Thing payload']);
    await expect(client.events.publish({ topic: 'no-slash', event: { typeUrl: 'x', value: new Uint8Array() } })).rejects.toMatchObject({ code: 3 });
  });

  test('events streams what happens, with filters', async () => {
    const ev = spawn(process.execPath, [CTR_TS_BIN, '--address', daemon.socket, '--format', 'json', 'events', 'topic~="^/images/"']);
    let out = '';
    ev.stdout.on('data', (c: Buffer) => (out += c.toString()));
    // Subscribed once a probe's events come through (a fixed wait raced a loaded machine).
    for (let i = 0; i < 100 && !/\/images\/delete.*\n/.test(out); i++) {
      await ctrTs(daemon, ['images', 'tag', 'busybox', 'example.com/probe:1']);
      await ctrTs(daemon, ['images', 'rm', 'example.com/probe:1']);
      await new Promise((r) => setTimeout(r, 100));
    }
    out = '';
    await ctrTs(daemon, ['images', 'tag', 'busybox', 'example.com/mine:1']);
    await ctrTs(daemon, ['namespaces', 'create', 'not-an-image-event']);
    await ctrTs(daemon, ['images', 'rm', 'example.com/mine:1']);
    for (let i = 0; i < 50 && (out.match(/\n/g) ?? []).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    ev.kill('SIGINT');
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { namespace: string; topic: string; event: { type: string } });
    expect(lines.map((l) => [l.namespace, l.topic, l.event.type])).toEqual([
      ['default', '/images/create', 'containerd.services.images.v1.ImageCreate'],
      ['default', '/images/delete', 'containerd.services.images.v1.ImageDelete'],
    ]);
  });
});
