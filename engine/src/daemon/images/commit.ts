// `docker commit`: a container's filesystem changes become one new layer on top of its image (the
// snapshot diffed against its parent through containerd-ts's Diff service), with a config from the
// container's own (plus --change edits), a history entry, and the parent's layers kept as they are.
// Everything is written under a lease, so a commit that fails half-way leaves nothing for good.
import type { Containerd } from '../containerd/client.js';
import { badRequest } from '../http/api-error.js';
import type { ContainerRecord } from '../state/container-record.js';
import { applyChanges } from './config-changes.js';
import type { ImageStore } from './image-store.js';
import type { Descriptor, ImageConfig, ImageRunConfig } from './image-types.js';
import { diffLayer, mediaOf, unpackLayer, withLease, writeImage, type Layer } from './layer-commit.js';

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

/** The container's config as the image's run config: what `docker commit` records. */
function runConfigOf(rec: ContainerRecord): ImageRunConfig {
  const { Hostname: _h, Domainname: _d, AttachStdin: _a, AttachStdout: _o, AttachStderr: _e, Tty: _t, OpenStdin: _s, StdinOnce: _so, Image: _i, ...run } = rec.Config;
  return run as ImageRunConfig;
}

export async function commitContainer(c: Containerd, images: ImageStore, rec: ContainerRecord, o: CommitOptions): Promise<Committed> {
  const parent = await images.get(rec.Image);
  const config = applyChanges(runConfigOf(rec), o.changes);
  const media = mediaOf(parent);
  const paused = o.pause && rec.State.Status === 'running';
  if (paused) await c.tasks.pause({ containerId: rec.ID });
  return withLease(c, 'engine-commit', async (lease) => {
    // 1. The changes as a layer blob: the container's snapshot against a view of its image.
    let layer: Layer;
    try {
      layer = await diffLayer(c, parent.chainId, rec.ID, media.layer, lease);
    } finally {
      if (paused) await c.tasks.resume({ containerId: rec.ID }).catch(() => undefined);
    }
    // 2. Unpacked as the new image's top snapshot, so containers can run from it at once.
    const diffIds = [...parent.config.rootfs.diff_ids, layer.diffId];
    await unpackLayer(c, parent.chainId, diffIds, layer, lease);
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
    const image = await writeImage(c, parent, layer, imageConfig, lease, media);
    await images.tag(image.manifest, o.name);
    return { id: image.id, manifest: image.manifest };
  });
}

export function requireName(repo: string): void {
  if (!repo) throw badRequest('engine keeps no untagged images yet: give the new image a REPOSITORY[:TAG]');
}
