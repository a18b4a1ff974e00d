// Content digests (`algorithm:hex`). Only sha256 is accepted, as in every image this stack handles.
import { createHash, type Hash } from 'node:crypto';
import { invalidArgument } from './errdefs.js';

export type Digest = `sha256:${string}`;

const SHA256 = /^sha256:[a-f0-9]{64}$/;

export function isDigest(s: string): s is Digest {
  return SHA256.test(s);
}

/** Validates a digest string, so it is safe to use as a file name. */
export function parseDigest(s: string): Digest {
  if (!isDigest(s)) throw invalidArgument(`invalid digest ${JSON.stringify(s)}: want sha256:<64 hex>`);
  return s;
}

export function digestHex(d: Digest): string {
  return d.slice('sha256:'.length);
}

export function sha256Of(data: string | Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function newDigester(): Hash {
  return createHash('sha256');
}

export function digestOfHash(h: Hash): Digest {
  return `sha256:${h.digest('hex')}`;
}
