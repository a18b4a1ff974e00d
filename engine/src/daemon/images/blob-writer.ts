// Small blobs the engine makes itself (image configs and manifests of committed images) written into
// containerd-ts's content store: one Write stream, a write and a commit against the expected digest.
// Content that is already there is success, as for any content-addressed store.
import { createHash, randomBytes } from 'node:crypto';
import { Code, isGrpcCode } from '@stack/proto';
import { WriteAction } from '@stack/proto/gen/containerd/services/content/v1/content_pb';
import type { Containerd } from '../containerd/client.js';

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Stores `data` under its digest with `labels` (GC references); `lease` keeps it until it is referenced. */
export async function writeBlob(c: Containerd, data: Buffer, labels: Record<string, string>, lease: string): Promise<string> {
  const digest = sha256Digest(data);
  const total = BigInt(data.length);
  const ref = `engine-${digest.slice(7, 31)}`;
  const requests = [
    { action: WriteAction.WRITE, ref, total, expected: digest, offset: 0n, data, labels: {} },
    { action: WriteAction.COMMIT, ref, total, expected: digest, offset: total, data: new Uint8Array(), labels },
  ];
  try {
    for await (const _ of c.content.write(requests, { metadata: { 'containerd-lease': lease } })) void _;
  } catch (err) {
    if (!isGrpcCode(err, Code.ALREADY_EXISTS)) throw err;
    // There already: make sure it carries the references this image needs.
    await c.content.update({ info: { digest, size: total, labels, createdAt: undefined, updatedAt: undefined }, updateMask: { paths: Object.keys(labels).map((k) => `labels.${k}`) } }, { metadata: { 'containerd-lease': lease } });
  }
  return digest;
}

/**
 * A large blob (an imported layer) streamed into the content store: written as it arrives, then
 * committed under the digest of what was written. Returns digest and size.
 */
export async function writeBlobStream(c: Containerd, chunks: AsyncIterable<Buffer>, labels: () => Record<string, string>, lease: string): Promise<{ digest: string; size: number }> {
  const ref = `engine-stream-${randomBytes(8).toString('hex')}`;
  const hash = createHash('sha256');
  let offset = 0n;
  let digest = '';
  async function* requests() {
    for await (const data of chunks) {
      hash.update(data);
      yield { action: WriteAction.WRITE, ref, total: 0n, expected: '', offset, data, labels: {} };
      offset += BigInt(data.length);
    }
    digest = `sha256:${hash.digest('hex')}`;
    yield { action: WriteAction.COMMIT, ref, total: offset, expected: digest, offset, data: new Uint8Array(), labels: labels() };
  }
  try {
    for await (const _ of c.content.write(requests(), { metadata: { 'containerd-lease': lease } })) void _;
  } catch (err) {
    if (!isGrpcCode(err, Code.ALREADY_EXISTS)) {
      await c.content.abort({ ref }).catch(() => undefined);
      throw err;
    }
  }
  return { digest, size: Number(offset) };
}
