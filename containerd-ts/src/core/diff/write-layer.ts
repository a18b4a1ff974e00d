// Diff.Diff's work: the changes of an active overlay snapshot against its parent, written into the
// content store as one layer blob (gzip unless an uncompressed type is asked for), labelled with its
// diff ID (`containerd.io/uncompressed`) as containerd labels the layers it creates.
import { randomBytes } from 'node:crypto';
import { createGzip } from 'node:zlib';
import { digestOfHash, newDigester, type Digest } from '../digest.js';
import { invalidArgument, isAlreadyExists, notImplemented } from '../errdefs.js';
import { layerCompression, MediaType } from '../images/media-types.js';
import type { ContentStore } from '../metadata/content.js';
import type { Ctx } from '../namespaces/context.js';
import { layerTarChunks } from './layer-tar.js';

export const UNCOMPRESSED_LABEL = 'containerd.io/uncompressed';

export interface DiffMount {
  type: string;
  source: string;
  options: string[];
}

export interface WrittenLayer {
  mediaType: string;
  digest: Digest;
  size: number;
  diffId: Digest;
}

function option(m: DiffMount, name: string): string | undefined {
  return m.options.find((o) => o.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** The directories a mount list stacks, lowest last (overlay's lowerdir order), for comparison. */
function layersOf(mounts: DiffMount[]): string[] {
  if (mounts.length === 0) return [];
  if (mounts.length !== 1) throw invalidArgument(`diff: expected one mount per side, got ${mounts.length}`);
  const m = mounts[0]!;
  if (m.type === 'bind' || m.options.includes('bind') || m.options.includes('rbind')) return [m.source];
  if (m.type === 'overlay') {
    const lowers = (option(m, 'lowerdir') ?? '').split(':').filter((s) => s !== '');
    const upper = option(m, 'upperdir');
    return upper ? [upper, ...lowers] : lowers;
  }
  throw invalidArgument(`diff: unsupported mount type ${JSON.stringify(m.type)}`);
}

/**
 * The directory holding exactly the changes of `right` over `left`: the upper dir of an overlay
 * whose lower dirs are `left`'s layers, or the whole tree of a parentless snapshot. Other pairs
 * would need a walk comparing two trees, which this daemon does not do: refused, not guessed.
 */
export function changesDir(left: DiffMount[], right: DiffMount[]): string {
  const leftLayers = layersOf(left);
  if (right.length !== 1) throw invalidArgument(`diff: expected one mount on the right, got ${right.length}`);
  const r = right[0]!;
  if (r.type === 'overlay') {
    const upper = option(r, 'upperdir');
    const lowers = (option(r, 'lowerdir') ?? '').split(':').filter((s) => s !== '');
    if (upper && lowers.join(':') === leftLayers.join(':')) return upper;
  } else if ((r.type === 'bind' || r.options.includes('rbind')) && leftLayers.length === 0) {
    return r.source;
  }
  throw notImplemented('diff: only an active snapshot against its own parent can be diffed (no tree-to-tree comparison)');
}

export async function writeLayer(content: ContentStore, ctx: Ctx, dir: string, opts: { mediaType: string; ref: string; labels: Record<string, string> }): Promise<WrittenLayer> {
  const mediaType = opts.mediaType || MediaType.ociLayerGzip;
  const compression = layerCompression(mediaType);
  if (compression !== 'gzip' && compression !== 'none') throw invalidArgument(`diff: unsupported media type ${JSON.stringify(mediaType)} (tar or tar+gzip layers only)`);
  const ref = opts.ref || `diff-${randomBytes(8).toString('hex')}`;
  const writer = await content.writer(ctx, { ref });
  let committed = false;
  try {
    const tarHash = newDigester();
    let size = 0;
    const sink = async (chunk: Buffer) => {
      size += chunk.length;
      await writer.write(chunk);
    };
    if (compression === 'none') {
      for await (const chunk of layerTarChunks(dir)) {
        tarHash.update(chunk);
        await sink(chunk);
      }
    } else {
      const gzip = createGzip();
      const drained = (async () => {
        for await (const chunk of gzip) await sink(chunk as Buffer);
      })();
      try {
        for await (const chunk of layerTarChunks(dir)) {
          tarHash.update(chunk);
          if (!gzip.write(chunk)) await new Promise((res) => gzip.once('drain', res));
        }
        gzip.end();
      } catch (err) {
        gzip.destroy();
        await drained.catch(() => undefined);
        throw err;
      }
      await drained;
    }
    const diffId = digestOfHash(tarHash);
    const written = writer.digest();
    let digest: Digest;
    try {
      digest = await writer.commit(size, undefined, { ...opts.labels, [UNCOMPRESSED_LABEL]: diffId });
    } catch (err) {
      // The same layer was written before (two steps that change nothing, say): as containerd's
      // differ, that is the layer wanted; the commit has recorded it in this namespace and lease.
      if (!isAlreadyExists(err)) throw err;
      digest = written;
    }
    committed = true;
    return { mediaType, digest, size, diffId };
  } finally {
    await writer.close();
    // A failed diff leaves no half-written ingest behind.
    if (!committed) await content.abort(ctx, ref).catch(() => undefined);
  }
}
