// Writing blobs into the namespaced content store from bytes or a stream, verified, resumable, and
// treating "already there" as success.
import type { Readable } from 'node:stream';
import { isAlreadyExists, isKind } from '../errdefs.js';
import type { Ctx } from '../namespaces/context.js';
import type { ContentStore, NsContentWriter } from '../metadata/content.js';
import type { Descriptor } from '../images/manifest.js';

/**
 * Opens a writer for a ref, waiting while another transfer holds it (two pulls of one image):
 * once that one commits, the blob is there and this one has nothing to do.
 */
async function openWriter(content: ContentStore, ctx: Ctx, desc: Descriptor, ref: string, signal?: AbortSignal): Promise<NsContentWriter | undefined> {
  for (let delay = 20; ; delay = Math.min(delay * 2, 1000)) {
    if (content.has(ctx, desc.digest)) return undefined;
    try {
      return await content.writer(ctx, { ref, total: desc.size, expected: desc.digest });
    } catch (err) {
      if (isAlreadyExists(err)) return undefined;
      if (!isKind(err, 'unavailable')) throw err;
    }
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('transfer cancelled');
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** Stores small bytes (manifests, configs) under their descriptor. */
export async function storeBytes(content: ContentStore, ctx: Ctx, desc: Descriptor, bytes: Uint8Array, labels: Record<string, string>): Promise<void> {
  if (content.has(ctx, desc.digest)) {
    if (Object.keys(labels).length) content.adopt(ctx, desc.digest, desc.size, labels);
    return;
  }
  const w = await openWriter(content, ctx, desc, `bytes-${desc.digest}`);
  if (!w) {
    content.adopt(ctx, desc.digest, desc.size, labels);
    return;
  }
  try {
    await w.truncate(0);
    await w.write(bytes);
    await w.commit(desc.size, desc.digest, labels);
  } catch (err) {
    if (isAlreadyExists(err)) {
      content.adopt(ctx, desc.digest, desc.size, labels);
      return;
    }
    await w.close().catch(() => undefined);
    throw err;
  }
}

export interface StreamSource {
  /** Opens the blob from an offset; reports where the stream really starts. */
  open(offset: number): Promise<{ stream: Readable; offset: number }>;
}

/**
 * Stores a blob from a source, resuming an interrupted ingest of the same ref where it stopped.
 * Returns false when the blob was already there.
 */
export async function storeStream(content: ContentStore, ctx: Ctx, desc: Descriptor, source: StreamSource, labels: Record<string, string>, onBytes?: (offset: number) => void, signal?: AbortSignal): Promise<boolean> {
  if (content.has(ctx, desc.digest)) {
    if (Object.keys(labels).length) content.adopt(ctx, desc.digest, desc.size, labels);
    return false;
  }
  const w = await openWriter(content, ctx, desc, `blob-${desc.digest}`, signal);
  if (!w) {
    content.adopt(ctx, desc.digest, desc.size, labels);
    return false;
  }
  try {
    let offset = w.status().offset;
    if (offset > desc.size) {
      await w.truncate(0);
      offset = 0;
    }
    if (offset < desc.size) {
      const opened = await source.open(offset);
      if (opened.offset !== offset) await w.truncate(0);
      offset = opened.offset;
      try {
        for await (const chunk of opened.stream) {
          if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('transfer cancelled');
          await w.write(chunk as Buffer);
          offset += (chunk as Buffer).length;
          onBytes?.(offset);
        }
      } finally {
        opened.stream.destroy();
      }
    }
    await w.commit(desc.size, desc.digest, labels);
    return true;
  } catch (err) {
    if (isAlreadyExists(err)) {
      content.adopt(ctx, desc.digest, desc.size, labels);
      return false;
    }
    await w.close().catch(() => undefined);
    throw err;
  }
}
