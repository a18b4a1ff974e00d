// The one mechanism behind `commit` and `build`: a snapshot's difference from its parent as an OCI
// layer (containerd-ts's Diff: tar with whiteouts and opaque dirs, gzip, diff ID), unpacked as the
// next snapshot of the chain, and an image (config + manifest) written over it. Callers pass a lease,
// so whatever a failure leaves behind is collected.
import { randomBytes } from 'node:crypto';
import { Code, isGrpcCode } from '@stack/proto';
import { SNAPSHOTTER, type Containerd } from '../containerd/client.js';
import { serverError } from '../http/api-error.js';
import { writeBlob } from './blob-writer.js';
import { chainIds } from './chain-id.js';
import type { Descriptor, ImageConfig, Manifest } from './image-types.js';

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const MEDIA = {
  docker: { manifest: DOCKER_MANIFEST, config: 'application/vnd.docker.container.image.v1+json', layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip' },
  oci: { manifest: 'application/vnd.oci.image.manifest.v1+json', config: 'application/vnd.oci.image.config.v1+json', layer: 'application/vnd.oci.image.layer.v1.tar+gzip' },
};
export type MediaTypes = (typeof MEDIA)['docker'];

export type Layer = Descriptor & { diffId: string };

/** An image's parts the next one is written on (absent for `FROM scratch`). */
export interface ParentImage {
  manifest: Manifest;
  config: ImageConfig;
  chainId: string | undefined;
}

export function mediaOf(parent: ParentImage | undefined): MediaTypes {
  if (!parent) return MEDIA.docker;
  return parent.manifest.mediaType === DOCKER_MANIFEST || parent.manifest.config.mediaType === MEDIA.docker.config ? MEDIA.docker : MEDIA.oci;
}

export const leaseContext = (lease: string) => ({ metadata: { 'containerd-lease': lease } });

/** Creates a lease that expires by itself (an hour) should the daemon die before deleting it. */
export async function withLease<T>(c: Containerd, prefix: string, fn: (lease: string) => Promise<T>): Promise<T> {
  const id = `${prefix}-${randomBytes(6).toString('hex')}`;
  await c.leases.create({ id, labels: { 'containerd.io/gc.expire': new Date(Date.now() + 3_600_000).toISOString() } });
  try {
    return await fn(id);
  } finally {
    await c.leases.delete({ id, sync: false }).catch(() => undefined);
  }
}

const tmpKey = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;

/** The difference between the snapshot `key` and the parent's top snapshot, as a layer blob. */
export async function diffLayer(c: Containerd, parentChainId: string | undefined, key: string, layerMedia: string, lease: string): Promise<Layer> {
  const inLease = leaseContext(lease);
  const { mounts: right } = await c.snapshots.mounts({ snapshotter: SNAPSHOTTER, key });
  const viewKey = tmpKey('engine-view');
  const left = parentChainId ? (await c.snapshots.view({ snapshotter: SNAPSHOTTER, key: viewKey, parent: parentChainId, labels: {} }, inLease)).mounts : [];
  try {
    const { diff } = await c.diff.diff({ left, right, mediaType: layerMedia, ref: '', labels: {} }, inLease);
    if (!diff) throw serverError('containerd-ts returned no layer');
    const info = (await c.content.info({ digest: diff.digest })).info;
    const diffId = info?.labels['containerd.io/uncompressed'];
    if (!diffId) throw serverError(`layer ${diff.digest} has no diff ID`);
    return { mediaType: diff.mediaType, digest: diff.digest, size: Number(diff.size), diffId };
  } finally {
    if (parentChainId) await c.snapshots.remove({ snapshotter: SNAPSHOTTER, key: viewKey }).catch(() => undefined);
  }
}

/** Unpacks `layer` over the parent's top snapshot as the committed snapshot named by the new chain ID. */
export async function unpackLayer(c: Containerd, parentChainId: string | undefined, diffIds: readonly string[], layer: Layer, lease: string): Promise<string> {
  const inLease = leaseContext(lease);
  const top = chainIds(diffIds).at(-1)!;
  const key = tmpKey('engine-unpack');
  const { mounts } = await c.snapshots.prepare({ snapshotter: SNAPSHOTTER, key, parent: parentChainId ?? '', labels: {} }, inLease);
  try {
    await c.diff.apply({ diff: { mediaType: layer.mediaType, digest: layer.digest, size: BigInt(layer.size), annotations: {} }, mounts, payloads: {} }, inLease);
    await c.snapshots.commit({ snapshotter: SNAPSHOTTER, name: top, key, labels: {} }, inLease);
  } catch (err) {
    await c.snapshots.remove({ snapshotter: SNAPSHOTTER, key }).catch(() => undefined);
    if (!isGrpcCode(err, Code.ALREADY_EXISTS)) throw err; // the same layer was committed before
  }
  return top;
}

export interface WrittenImage {
  /** The config digest (the image ID). */
  id: string;
  manifest: Descriptor;
  config: ImageConfig;
  manifestBody: Manifest;
  chainId: string | undefined;
}

/** Writes `config` (whose rootfs already lists `layer` when there is one) and its manifest. */
export async function writeImage(c: Containerd, parent: ParentImage | undefined, layer: Layer | undefined, config: ImageConfig, lease: string, media: MediaTypes = mediaOf(parent)): Promise<WrittenImage> {
  const top = chainIds(config.rootfs.diff_ids).at(-1);
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = await writeBlob(c, configBytes, top ? { [`containerd.io/gc.ref.snapshot.${SNAPSHOTTER}`]: top } : {}, lease);
  const layers = [...(parent?.manifest.layers ?? []), ...(layer ? [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }] : [])];
  const manifest: Manifest = { schemaVersion: 2, mediaType: media.manifest, config: { mediaType: media.config, digest: configDigest, size: configBytes.length }, layers };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const refs: Record<string, string> = { 'containerd.io/gc.ref.content.config': configDigest };
  layers.forEach((l, i) => (refs[`containerd.io/gc.ref.content.l.${i}`] = l.digest));
  const manifestDigest = await writeBlob(c, manifestBytes, refs, lease);
  return { id: configDigest, manifest: { mediaType: media.manifest, digest: manifestDigest, size: manifestBytes.length }, config, manifestBody: manifest, chainId: top };
}
