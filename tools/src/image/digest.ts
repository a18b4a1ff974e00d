import { createHash } from 'node:crypto';

/** `sha256:<hex>` of a buffer: the content address used for blobs and diff_ids. */
export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The hex part of a `sha256:` digest, validated so it can be used as a file name. */
export function digestHex(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m?.[1]) throw new Error(`not a sha256 digest: ${digest}`);
  return m[1];
}

/** Path of a blob inside an OCI layout, relative to the layout root. */
export function blobPath(digest: string): string {
  return `blobs/sha256/${digestHex(digest)}`;
}
