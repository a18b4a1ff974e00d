// The content store, metadata stores and garbage collector in-process, on a temp root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalBlobStore } from '../src/plugins/content/local-store.js';
import { OverlayBackend } from '../src/plugins/snapshots/overlay.js';
import { openMetadata, type Metadata } from '../src/plugins/metadata/metadata.js';
import { Exchange } from '../src/core/events/exchange.js';
import { GarbageCollector } from '../src/core/gc/collector.js';
import { silentLogger } from '../src/core/log/logger.js';
import { sha256Of, type Digest } from '../src/core/digest.js';
import type { Ctx } from '../src/core/namespaces/context.js';
import { removeTree, tempDir } from './support/temp.js';

describe('stores', () => {
  let dir: string;
  let md: Metadata;
  let gc: GarbageCollector;
  let exchange: Exchange;
  const ctx: Ctx = { namespace: 'default' };

  beforeEach(() => {
    dir = tempDir('stores-');
    exchange = new Exchange();
    md = openMetadata(path.join(dir, 'meta'), new LocalBlobStore(path.join(dir, 'content')), [new OverlayBackend(path.join(dir, 'overlay'))], exchange);
    gc = new GarbageCollector(md.db, md.content, md.snapshotters, silentLogger);
  });
  afterEach(async () => {
    gc.stop();
    await md.db.close();
    removeTree(dir);
  });

  async function put(c: Ctx, data: string, labels: Record<string, string> = {}): Promise<Digest> {
    const d = sha256Of(data);
    const w = await md.content.writer(c, { ref: `r-${d}`, total: data.length, expected: d });
    await w.write(Buffer.from(data));
    await w.commit(data.length, d, labels);
    return d;
  }

  test('an interrupted ingest resumes where it stopped and verifies the whole blob', async () => {
    const data = 'a'.repeat(5000) + 'b'.repeat(5000);
    const d = sha256Of(data);
    const w1 = await md.content.writer(ctx, { ref: 'big', total: data.length, expected: d });
    await w1.write(Buffer.from(data.slice(0, 4000)));
    await w1.close();
    expect((await md.content.status(ctx, 'big')).offset).toBe(4000);
    await expect(md.content.writer(ctx, { ref: 'big' }).then((w) => w.close())).resolves.toBeUndefined();
    const w2 = await md.content.writer(ctx, { ref: 'big', total: data.length, expected: d });
    expect(w2.status().offset).toBe(4000);
    await w2.write(Buffer.from(data.slice(4000)));
    expect(await w2.commit(data.length, d, {})).toBe(d);
    expect(md.content.info(ctx, d).size).toBe(data.length);
    await expect(md.content.status(ctx, 'big')).rejects.toThrow(/not found/);
  });

  test('a blob whose bytes do not match its digest is refused and leaves nothing', async () => {
    const w = await md.content.writer(ctx, { ref: 'bad', total: 3, expected: sha256Of('abc') });
    await w.write(Buffer.from('abd'));
    await expect(w.commit(3, sha256Of('abc'), {})).rejects.toThrow(/unexpected commit digest/);
    expect(md.content.list(ctx)).toEqual([]);
    expect(fs.readdirSync(path.join(dir, 'content', 'blobs', 'sha256'))).toEqual([]);
    await expect(md.content.status(ctx, 'bad')).rejects.toThrow(/not found/);
  });

  test('one writer per ref; namespaces see only their own content but share blobs', async () => {
    const w = await md.content.writer(ctx, { ref: 'x' });
    await expect(md.content.writer(ctx, { ref: 'x' })).rejects.toThrow(/locked/);
    await w.close();
    const d = await put(ctx, 'shared');
    const other: Ctx = { namespace: 'other' };
    expect(() => md.content.info(other, d)).toThrow(/not found/);
    await expect(md.content.writer(other, { ref: 'y', total: 6, expected: d })).rejects.toThrow(/already exists/);
    expect(md.content.info(other, d).size).toBe(6);
  });

  test('GC removes exactly what nothing references, and respects leases and labels', async () => {
    const layer = await put(ctx, 'layer');
    const config = await put(ctx, 'config');
    const manifest = await put(ctx, 'manifest', { 'containerd.io/gc.ref.content.config': config, 'containerd.io/gc.ref.content.l.0': layer });
    const orphan = await put(ctx, 'orphan');
    const rooted = await put(ctx, 'rooted', { 'containerd.io/gc.root': 'yes' });
    const lease = md.leases.create(ctx, 'hold', {});
    const leased = await put({ ...ctx, lease: lease.id }, 'leased');
    const expired = md.leases.create(ctx, 'old', { 'containerd.io/gc.expire': new Date(Date.now() - 1000).toISOString() });
    const expiredContent = await put({ ...ctx, lease: expired.id }, 'expired');
    md.images.create(ctx, { name: 'img', labels: {}, target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifest, size: 8, annotations: {} } });

    const snaps = md.snapshotters.get('overlayfs');
    if (!snaps) throw new Error('no overlayfs');
    await snaps.prepare(ctx, 'k1', '', {});
    await snaps.commit(ctx, 'base', 'k1', {});
    await snaps.prepare(ctx, 'k2', 'base', {});
    await snaps.commit(ctx, 'top', 'k2', {});
    await snaps.prepare(ctx, 'k3', '', {});
    await snaps.commit(ctx, 'unreferenced', 'k3', {});
    await snaps.prepare(ctx, 'container-rw', 'top', {});
    md.content.update(ctx, config, { 'containerd.io/gc.ref.snapshot.overlayfs': 'top' }, ['labels.containerd.io/gc.ref.snapshot.overlayfs']);

    const stats = await gc.collect();
    expect(stats).toMatchObject({ content: 2, blobs: 2, snapshots: 2, leases: 1 });
    expect(md.content.list(ctx).map((i) => i.digest).sort()).toEqual([layer, config, manifest, rooted, leased].sort());
    expect(md.content.has(ctx, orphan) || md.content.has(ctx, expiredContent)).toBe(false);
    expect(snaps.list(ctx).map((s) => s.key).sort()).toEqual(['base', 'top']);
    expect((await snaps.backend.list()).length).toBe(2);

    // Deleting the image frees its whole tree; the lease still holds its blob.
    md.images.delete(ctx, 'img');
    await gc.collect();
    expect(md.content.list(ctx).map((i) => i.digest).sort()).toEqual([rooted, leased].sort());
    expect(snaps.list(ctx)).toEqual([]);
    md.leases.delete(ctx, 'hold');
    await gc.collect();
    expect(md.content.list(ctx).map((i) => i.digest)).toEqual([rooted]);
    expect(fs.readdirSync(path.join(dir, 'content', 'blobs', 'sha256'))).toEqual([rooted.slice(7)]);
  });

  test('snapshots: parents must be committed, children block removal, commit keeps the data', async () => {
    const snaps = md.snapshotters.get('overlayfs');
    if (!snaps) throw new Error('no overlayfs');
    const m = await snaps.prepare(ctx, 'a', '', {});
    expect(m[0]).toMatchObject({ type: 'bind' });
    await expect(snaps.prepare(ctx, 'b', 'a', {})).rejects.toThrow(/not committed/);
    fs.writeFileSync(path.join(snaps.upperDir(ctx, 'a').dir, 'f'), 'data');
    await snaps.commit(ctx, 'A', 'a', {});
    const m2 = await snaps.prepare(ctx, 'b', 'A', {});
    expect(m2[0]?.type).toBe('overlay');
    expect(m2[0]?.options.some((o) => o.startsWith('lowerdir='))).toBe(true);
    await expect(snaps.remove(ctx, 'A')).rejects.toThrow(/has children/);
    await expect(snaps.prepare(ctx, 'b', 'A', {})).rejects.toThrow(/already exists/);
    expect(await snaps.usage(ctx, 'A')).toMatchObject({ inodes: 2 });
    const v = await snaps.view(ctx, 'v', 'A', {});
    expect(v[0]).toMatchObject({ type: 'bind', options: ['ro', 'rbind'] });
    await snaps.remove(ctx, 'v');
    await snaps.remove(ctx, 'b');
    await snaps.remove(ctx, 'A');
    expect(await snaps.backend.list()).toEqual([]);
  });

  test('namespaces can be deleted only when empty; events are published', async () => {
    const ac = new AbortController();
    const seen: string[] = [];
    const sub = (async () => {
      for await (const e of exchange.subscribe(['topic~="^/images/"'], ac.signal)) {
        seen.push(`${e.namespace} ${e.topic} ${e.event.typeUrl}`);
        if (seen.length === 2) ac.abort();
      }
    })();
    md.namespaces.create('ns1', { a: 'b' });
    md.images.create({ namespace: 'ns1' }, { name: 'x', labels: {}, target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256Of('m'), size: 1, annotations: {} } });
    expect(() => md.namespaces.delete('ns1')).toThrow(/must be empty, but it still has images/);
    md.images.delete({ namespace: 'ns1' }, 'x');
    md.namespaces.delete('ns1');
    await sub;
    expect(seen).toEqual(['ns1 /images/create containerd.services.images.v1.ImageCreate', 'ns1 /images/delete containerd.services.images.v1.ImageDelete']);
  });
});
