// `docker import`: a tarball (plain or gzip) becomes a one-layer image — the layer stored gzip'd in
// containerd-ts's content store, unpacked as its own snapshot, with a config that has only the
// `--change` edits, and a history entry "Imported from SRC" (or the message), as dockerd makes it.
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { Code, isGrpcCode } from '@stack/proto';
import { SNAPSHOTTER, type Containerd } from '../containerd/client.js';
import { badRequest } from '../http/api-error.js';
import { writeBlob, writeBlobStream } from './blob-writer.js';
import { applyChanges } from './config-changes.js';
import type { ImageStore } from './image-store.js';
import type { ImageConfig, Manifest } from './image-types.js';

const OCI = { manifest: 'application/vnd.oci.image.manifest.v1+json', config: 'application/vnd.oci.image.config.v1+json', layer: 'application/vnd.oci.image.layer.v1.tar+gzip' };

export interface ImportOptions {
  name: string;
  source: string;
  message: string;
  changes: string[];
  platform: { os: string; architecture: string; variant?: string };
}

/** The stream's first bytes say how it is compressed; only what Node can read is accepted. */
async function* decompressed(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = input[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let done = false;
  while (head.length < 6 && !done) {
    const n = await it.next();
    if (n.done) done = true;
    else head = Buffer.concat([head, n.value]);
  }
  const rest = async function* () {
    if (head.length) yield head;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  };
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    const feed = (async () => {
      try {
        for await (const c of rest()) if (!gunzip.write(c)) await new Promise((r) => gunzip.once('drain', r));
        gunzip.end();
      } catch (err) {
        gunzip.destroy(err as Error);
      }
    })();
    for await (const c of gunzip) yield c as Buffer;
    await feed;
    return;
  }
  if (head.subarray(0, 3).toString('latin1') === 'BZh') throw badRequest('bzip2-compressed archives are not supported: decompress it or use gzip');
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) throw badRequest('xz-compressed archives are not supported: decompress it or use gzip');
  if (head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) throw badRequest('zstd-compressed archives are not supported: decompress it or use gzip');
  yield* rest();
}

export async function importLayer(c: Containerd, images: ImageStore, input: AsyncIterable<Buffer>, o: ImportOptions): Promise<string> {
  const config0 = applyChanges({}, o.changes);
  const lease = `engine-import-${randomBytes(6).toString('hex')}`;
  await c.leases.create({ id: lease, labels: { 'containerd.io/gc.expire': new Date(Date.now() + 3_600_000).toISOString() } });
  try {
    const inLease = { metadata: { 'containerd-lease': lease } };
    // tar → diff ID hash and gzip → content store, in one pass.
    const tarHash = createHash('sha256');
    let tarBytes = 0;
    const gzip = createGzip();
    const out = new PassThrough();
    gzip.pipe(out);
    let feedError: unknown;
    const feed = (async () => {
      try {
        for await (const c2 of decompressed(input)) {
          tarHash.update(c2);
          tarBytes += c2.length;
          if (!gzip.write(c2)) await new Promise((r) => gzip.once('drain', r));
        }
        gzip.end();
      } catch (err) {
        feedError = err;
        out.destroy(err as Error);
      }
    })();
    let diffId = '';
    let blob: { digest: string; size: number };
    try {
      blob = await writeBlobStream(c, out as AsyncIterable<Buffer>, () => ({ 'containerd.io/uncompressed': (diffId = `sha256:${tarHash.digest('hex')}`) }), lease);
      await feed;
    } catch (err) {
      gzip.destroy();
      out.destroy();
      // The reader's own error (a bad archive) says more than the upload's cancellation.
      throw feedError ?? err;
    }
    if (feedError) throw feedError;
    if (tarBytes === 0) throw badRequest('the archive is empty');
    // Unpacked as a parentless snapshot named by its chain ID (the diff ID of a single layer).
    const key = `engine-import-${randomBytes(6).toString('hex')}`;
    const { mounts } = await c.snapshots.prepare({ snapshotter: SNAPSHOTTER, key, parent: '', labels: {} }, inLease);
    try {
      await c.diff.apply({ diff: { mediaType: OCI.layer, digest: blob.digest, size: BigInt(blob.size), annotations: {} }, mounts, payloads: {} }, inLease);
      await c.snapshots.commit({ snapshotter: SNAPSHOTTER, name: diffId, key, labels: {} }, inLease);
    } catch (err) {
      await c.snapshots.remove({ snapshotter: SNAPSHOTTER, key }).catch(() => undefined);
      if (!isGrpcCode(err, Code.ALREADY_EXISTS)) throw isGrpcCode(err, Code.INVALID_ARGUMENT) ? badRequest(`not a valid tar archive: ${(err as Error).message}`) : err;
    }
    const created = new Date().toISOString();
    const comment = o.message || `Imported from ${o.source}`;
    const imageConfig: ImageConfig = {
      architecture: o.platform.architecture,
      os: o.platform.os,
      ...(o.platform.variant ? { variant: o.platform.variant } : {}),
      created,
      comment,
      config: config0,
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created, comment }],
    };
    const configBytes = Buffer.from(JSON.stringify(imageConfig));
    const configDigest = await writeBlob(c, configBytes, { [`containerd.io/gc.ref.snapshot.${SNAPSHOTTER}`]: diffId }, lease);
    const manifest: Manifest = { schemaVersion: 2, mediaType: OCI.manifest, config: { mediaType: OCI.config, digest: configDigest, size: configBytes.length }, layers: [{ mediaType: OCI.layer, digest: blob.digest, size: blob.size }] };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const manifestDigest = await writeBlob(c, manifestBytes, { 'containerd.io/gc.ref.content.config': configDigest, 'containerd.io/gc.ref.content.l.0': blob.digest }, lease);
    await images.tag({ mediaType: OCI.manifest, digest: manifestDigest, size: manifestBytes.length }, o.name);
    return configDigest;
  } finally {
    await c.leases.delete({ id: lease, sync: false }).catch(() => undefined);
  }
}
