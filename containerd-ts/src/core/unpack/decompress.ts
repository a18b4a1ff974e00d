// Turns a layer blob stream into its uncompressed tar bytes while hashing them: the hash is the
// layer's diff ID, checked against the image config's rootfs.diff_ids.
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { invalidArgument } from '../errdefs.js';
import { digestOfHash, newDigester, type Digest } from '../digest.js';
import type { Compression } from '../images/media-types.js';

export interface Uncompressed {
  tar: AsyncIterable<Buffer>;
  /** Resolves once `tar` has been read to the end. */
  diffId(): Digest;
  size(): number;
}

/** Gzip is detected by its magic as well, since some archives mislabel layers. */
export function uncompress(input: Readable, compression: Compression): Uncompressed {
  if (compression === 'zstd') throw invalidArgument('zstd-compressed layers are not supported by this build');
  const hash = newDigester();
  let size = 0;
  let done = false;
  async function* tar(): AsyncIterable<Buffer> {
    let source: AsyncIterable<Buffer> = input;
    if (compression === 'gzip') {
      const gunzip = createGunzip({ chunkSize: 256 * 1024 });
      input.on('error', (err) => gunzip.destroy(err));
      source = input.pipe(gunzip);
    }
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.length;
      yield chunk;
    }
    done = true;
  }
  return {
    tar: tar(),
    diffId() {
      if (!done) throw new Error('diff ID asked for before the layer was read to its end');
      return digestOfHash(hash);
    },
    size: () => size,
  };
}
