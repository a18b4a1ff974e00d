// `docker commit`: a container's filesystem changes become one new layer on top of its image (the
// snapshot diffed against its parent through containerd-ts's Diff service), with a config from the
// container's own (plus --change edits), a history entry, and the parent's layers kept as they are.
// Everything is written under a lease, so a commit that fails half-way leaves nothing for good.
import { randomBytes } from 'node:crypto';
import { Code, isGrpcCode } from '@stack/proto';
import { SNAPSHOTTER, type Containerd } from '../containerd/client.js';
import { badRequest, serverError } from '../http/api-error.js';
import type { ContainerRecord } from '../state/container-record.js';
import { writeBlob } from './blob-writer.js';
import { chainIds } from './chain-id.js';
import { applyChanges } from './config-changes.js';
import type { ImageStore } from './image-store.js';
import type { Descriptor, ImageConfig, ImageRunConfig, Manifest } from './image-types.js';

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const MEDIA = {
  docker: { manifest: DOCKER_MANIFEST, config: 'application/vnd.docker.container.image.v1+json', layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip' },
  oci: { manifest: 'application/vnd.oci.image.manifest.v1+json', config: 'application/vnd.oci.image.config.v1+json', layer: 'application/vnd.oci.image.layer.v1.tar+gzip' },
};

export interface CommitOptions {
  /** The stored name to tag, e.g. docker.io/library/app:latest. */
  name: string;
  author: string;
  comment: string;
  changes: string[];
  /** Freeze a running container while its changes are read (docker's default). */
  pause: boolean;
}

export interface Committed {
  id: string;
  manifest: Descriptor;
}

async function withLease<T>(c: Containerd, fn: (lease: string) => Promise<T>): Promise<T> {
  const id = `engine-commit-${randomBytes(6).toString('hex')}`;
  await c.leases.create({ id, labels: { 'containerd.io/gc.expire': new Date(Date.now() + 3_600_000).toISOString() } });
  try {
    return await fn(id);
  } finally {
    await c.leases.delete({ id, sync: false }).catch(() => undefined);
  }
}

/** The container's config as the image's run config: what `docker commit` records. */
function runConfigOf(rec: ContainerRecord): ImageRunConfig {
  const { Hostname: _h, Domainname: _d, AttachStdin: _a, AttachStdout: _o, AttachStderr: _e, Tty: _t, OpenStdin: _s, StdinOnce: _so, Image: _i, ...run } = rec.Config;
  return run as ImageRunConfig;
}

export async function commitContainer(c: Containerd, images: ImageStore, rec: ContainerRecord, o: CommitOptions): Promise<Committed> {
  const parent = await images.get(rec.Image);
  const config = applyChanges(runConfigOf(rec), o.changes);
  const media = parent.manifest.mediaType === DOCKER_MANIFEST || parent.manifest.config.mediaType === MEDIA.docker.config ? MEDIA.docker : MEDIA.oci;
  const paused = o.pause && rec.State.Status === 'running';
  if (paused) await c.tasks.pause({ containerId: rec.ID });
  return withLease(c, async (lease) => {
    const inLease = { metadata: { 'containerd-lease': lease } };
    const tmp = () => `engine-commit-${randomBytes(6).toString('hex')}`;
    // 1. The changes as a layer blob: the container's snapshot against a view of its image.
    let layer: Descriptor & { diffId: string };
    try {
      const { mounts: right } = await c.snapshots.mounts({ snapshotter: SNAPSHOTTER, key: rec.ID });
      const viewKey = tmp();
      const left = parent.chainId ? (await c.snapshots.view({ snapshotter: SNAPSHOTTER, key: viewKey, parent: parent.chainId, labels: {} }, inLease)).mounts : [];
      try {
        const { diff } = await c.diff.diff({ left, right, mediaType: media.layer, ref: '', labels: {} }, inLease);
        if (!diff) throw serverError('containerd-ts returned no layer for the commit');
        const info = (await c.content.info({ digest: diff.digest })).info;
        const diffId = info?.labels['containerd.io/uncompressed'];
        if (!diffId) throw serverError(`layer ${diff.digest} has no diff ID`);
        layer = { mediaType: diff.mediaType, digest: diff.digest, size: Number(diff.size), diffId };
      } finally {
        if (parent.chainId) await c.snapshots.remove({ snapshotter: SNAPSHOTTER, key: viewKey }).catch(() => undefined);
      }
    } finally {
      if (paused) await c.tasks.resume({ containerId: rec.ID }).catch(() => undefined);
    }
    // 2. Unpacked as the new image's top snapshot, so containers can run from it at once.
    const diffIds = [...parent.config.rootfs.diff_ids, layer.diffId];
    const top = chainIds(diffIds).at(-1)!;
    const key = tmp();
    const { mounts } = await c.snapshots.prepare({ snapshotter: SNAPSHOTTER, key, parent: parent.chainId ?? '', labels: {} }, inLease);
    try {
      await c.diff.apply({ diff: { mediaType: layer.mediaType, digest: layer.digest, size: BigInt(layer.size), annotations: {} }, mounts, payloads: {} }, inLease);
      await c.snapshots.commit({ snapshotter: SNAPSHOTTER, name: top, key, labels: {} }, inLease);
    } catch (err) {
      await c.snapshots.remove({ snapshotter: SNAPSHOTTER, key }).catch(() => undefined);
      if (!isGrpcCode(err, Code.ALREADY_EXISTS)) throw err; // the same layer was committed before
    }
    // 3. Config and manifest; the image record last, once everything it refers to exists.
    const created = new Date().toISOString();
    const history = [...(parent.config.history ?? []), { created, ...(o.author ? { author: o.author } : {}), created_by: [rec.Path, ...rec.Args].join(' '), ...(o.comment ? { comment: o.comment } : {}) }];
    const imageConfig: ImageConfig = {
      architecture: parent.config.architecture,
      os: parent.config.os,
      ...(parent.config.variant ? { variant: parent.config.variant } : {}),
      created,
      ...(o.author ? { author: o.author } : {}),
      ...(o.comment ? { comment: o.comment } : {}),
      container: rec.ID,
      config,
      rootfs: { type: 'layers', diff_ids: diffIds },
      history,
    };
    const configBytes = Buffer.from(JSON.stringify(imageConfig));
    const configDigest = await writeBlob(c, configBytes, { [`containerd.io/gc.ref.snapshot.${SNAPSHOTTER}`]: top }, lease);
    const layers = [...parent.manifest.layers, { mediaType: layer.mediaType, digest: layer.digest, size: layer.size }];
    const manifest: Manifest = { schemaVersion: 2, mediaType: media.manifest, config: { mediaType: media.config, digest: configDigest, size: configBytes.length }, layers };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const refs: Record<string, string> = { 'containerd.io/gc.ref.content.config': configDigest };
    layers.forEach((l, i) => (refs[`containerd.io/gc.ref.content.l.${i}`] = l.digest));
    const manifestDigest = await writeBlob(c, manifestBytes, refs, lease);
    const target = { mediaType: media.manifest, digest: manifestDigest, size: manifestBytes.length };
    await images.tag(target, o.name);
    return { id: configDigest, manifest: target };
  });
}

export function requireName(repo: string): void {
  if (!repo) throw badRequest('engine keeps no untagged images yet: give the new image a REPOSITORY[:TAG]');
}
