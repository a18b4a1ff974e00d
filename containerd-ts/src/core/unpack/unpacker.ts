// Unpacks an image's layers into committed snapshots named by chain ID. Each layer is applied to a
// fresh active snapshot (`extract-… <chainID>`) and committed only after its diff ID checked out, so
// a crash or a bad layer never leaves a half-applied layer under a committed name.
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { StackError, errorMessage, isAlreadyExists, isNotFound } from '../errdefs.js';
import type { Digest } from '../digest.js';
import type { Ctx } from '../namespaces/context.js';
import type { SnapshotStore } from '../metadata/snapshots.js';
import { layerCompression } from '../images/media-types.js';
import { chainIds, SNAPSHOT_REF_LABEL, type Descriptor } from '../images/manifest.js';
import { applyTarStream, type ApplyOptions, type ApplyStats } from './apply-layer.js';
import { uncompress } from './decompress.js';

export interface AppliedLayer {
  diffId: Digest;
  size: number;
  stats: ApplyStats;
}

/** Applies a stored layer blob onto a directory and returns its diff ID. */
export async function applyLayerBlob(blobPath: string, layer: Pick<Descriptor, 'mediaType' | 'digest'>, opts: ApplyOptions): Promise<AppliedLayer> {
  const compression = layerCompression(layer.mediaType);
  if (compression === undefined) throw new StackError('invalid-argument', `${layer.digest}: ${layer.mediaType} is not a layer media type`);
  const input = fs.createReadStream(blobPath, { highWaterMark: 1024 * 1024 });
  try {
    const u = uncompress(input, compression);
    const stats = await applyTarStream(u.tar, opts);
    return { diffId: u.diffId(), size: u.size(), stats };
  } catch (err) {
    if (err instanceof StackError) throw new StackError(err.kind, `layer ${layer.digest}: ${err.message}`);
    throw new StackError('invalid-argument', `layer ${layer.digest}: ${errorMessage(err)}`, { cause: err });
  } finally {
    input.destroy();
  }
}

export interface UnpackLayer {
  desc: Descriptor;
  diffId: Digest;
  /** Resolves once the layer's blob is in the content store. */
  ready: Promise<void>;
}

export interface UnpackOptions {
  ctx: Ctx;
  snapshots: SnapshotStore;
  blobPath: (d: Digest) => string;
  layers: UnpackLayer[];
  onLayer?: (desc: Descriptor, status: 'unpacking' | 'unpacked' | 'exists') => void;
  warn?: (m: string) => void;
  allowDevices?: boolean;
}

/** Unpacks layers in order (each needs its parent); returns the top chain ID. */
export async function unpackLayers(o: UnpackOptions): Promise<Digest | undefined> {
  const chain = chainIds(o.layers.map((l) => l.diffId));
  let parent = '';
  for (let i = 0; i < o.layers.length; i++) {
    const layer = o.layers[i] as UnpackLayer;
    const chainId = chain[i] as Digest;
    const existing = o.snapshots.tryStat(o.ctx, chainId);
    if (existing?.kind === 'committed') {
      // Still wait for the blob: the image needs its content even when the snapshot is there.
      await layer.ready;
      o.onLayer?.(layer.desc, 'exists');
      parent = chainId;
      continue;
    }
    await layer.ready;
    o.onLayer?.(layer.desc, 'unpacking');
    const key = `extract-${Date.now()}-${randomBytes(4).toString('hex')} ${chainId}`;
    await o.snapshots.prepare(o.ctx, key, parent, { [SNAPSHOT_REF_LABEL]: chainId });
    try {
      const { dir, lowers } = o.snapshots.upperDir(o.ctx, key);
      const applyOpts: ApplyOptions = { root: dir, lowers, whiteouts: parent === '' ? 'remove' : 'overlay' };
      if (o.warn) applyOpts.warn = o.warn;
      if (o.allowDevices !== undefined) applyOpts.allowDevices = o.allowDevices;
      const applied = await applyLayerBlob(o.blobPath(layer.desc.digest), layer.desc, applyOpts);
      if (applied.diffId !== layer.diffId) {
        throw new StackError('failed-precondition', `layer ${layer.desc.digest}: uncompressed digest ${applied.diffId} does not match the image config's diff ID ${layer.diffId}`);
      }
      try {
        await o.snapshots.commit(o.ctx, chainId, key, {});
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        await o.snapshots.remove(o.ctx, key); // another pull committed the same layer first
      }
    } catch (err) {
      await o.snapshots.remove(o.ctx, key).catch((e: unknown) => {
        if (!isNotFound(e)) o.warn?.(`removing ${key}: ${errorMessage(e)}`);
      });
      throw err;
    }
    o.onLayer?.(layer.desc, 'unpacked');
    parent = chainId;
  }
  return chain[chain.length - 1];
}
