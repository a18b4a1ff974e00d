// containerd.services.diff.v1.Diff: Apply lays a layer blob onto the mounts of an active snapshot;
// Diff writes an active overlay snapshot's changes over its parent as a layer blob.
// Overlay mounts are applied straight into their upperdir (whiteouts in overlayfs form), bind mounts
// into their source, as containerd's own applier does for overlayfs.
import type * as grpc from '@grpc/grpc-js';
import { addService, Code, GrpcError } from '@stack/proto';
import { Diff } from '@stack/proto/gen/containerd/services/diff/v1/diff_pb';
import { parseDigest } from '../core/digest.js';
import { MediaType } from '../core/images/media-types.js';
import type { ContentStore } from '../core/metadata/content.js';
import { applyLayerBlob } from '../core/unpack/unpacker.js';
import type { ApplyOptions } from '../core/unpack/apply-layer.js';
import type { Logger } from '../core/log/logger.js';
import { changesDir, writeLayer } from '../core/diff/write-layer.js';
import { ctxOf, guarded } from './grpc-context.js';

interface MountMsg {
  type: string;
  source: string;
  options: string[];
}

/** Where to write and what lies beneath, from the mounts a snapshotter handed out. */
export function applyTarget(mounts: MountMsg[]): Pick<ApplyOptions, 'root' | 'lowers' | 'whiteouts'> {
  if (mounts.length !== 1) throw new GrpcError(Code.INVALID_ARGUMENT, `apply needs exactly one mount, got ${mounts.length}`);
  const m = mounts[0] as MountMsg;
  if (m.type === 'bind' || m.options.includes('bind') || m.options.includes('rbind')) {
    if (m.options.includes('ro')) throw new GrpcError(Code.INVALID_ARGUMENT, 'cannot apply a layer to a read-only mount');
    return { root: m.source, lowers: [], whiteouts: 'remove' };
  }
  if (m.type === 'overlay') {
    const opt = (name: string) => m.options.find((o) => o.startsWith(`${name}=`))?.slice(name.length + 1);
    const upper = opt('upperdir');
    if (!upper) throw new GrpcError(Code.INVALID_ARGUMENT, 'cannot apply a layer to an overlay mount without an upperdir');
    return { root: upper, lowers: (opt('lowerdir') ?? '').split(':').filter((s) => s !== ''), whiteouts: 'overlay' };
  }
  throw new GrpcError(Code.INVALID_ARGUMENT, `cannot apply a layer to a ${m.type} mount`);
}

export function registerDiff(server: grpc.Server, content: ContentStore, log: Logger): void {
  addService(
    server,
    Diff,
    guarded({
      async apply(req, call) {
        const ctx = ctxOf(call);
        if (!req.diff) throw new GrpcError(Code.INVALID_ARGUMENT, 'diff descriptor must be set');
        const digest = parseDigest(req.diff.digest);
        content.info(ctx, digest); // the layer must belong to the caller's namespace
        const target = applyTarget(req.mounts);
        const applied = await applyLayerBlob(content.blobs.blobPath(digest), { mediaType: req.diff.mediaType, digest }, { ...target, warn: (m) => log.warn(m, { layer: digest }) });
        return { applied: { mediaType: MediaType.ociLayer, digest: applied.diffId, size: BigInt(applied.size), annotations: {} } };
      },
      async diff(req, call) {
        const ctx = ctxOf(call);
        const dir = changesDir(req.left, req.right);
        const layer = await writeLayer(content, ctx, dir, { mediaType: req.mediaType, ref: req.ref, labels: req.labels });
        return { diff: { mediaType: layer.mediaType, digest: layer.digest, size: BigInt(layer.size), annotations: {} } };
      },
    }),
  );
}
