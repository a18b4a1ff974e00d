import * as fs from 'node:fs';
import * as path from 'node:path';
import { blobPath, sha256Digest } from './digest.js';
import type { OciImageConfig } from './image-config.js';
import { ANNOTATION_REF_NAME, MEDIA_TYPE_DOCKER_MANIFEST, MEDIA_TYPE_MANIFEST } from './media-types.js';

/** One image of an OCI layout, resolved down to its config and layer descriptors. */
export interface LayoutImage {
  manifestDigest: string;
  config: OciImageConfig;
  layers: { mediaType: string; digest: string; size: number; file: string }[];
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/** Reads the image named `refName` (or the only one) from a layout, verifying every blob it reads. */
export function readLayoutImage(layoutDir: string, refName?: string): LayoutImage {
  const index = readJson<{ manifests?: Descriptor[] }>(path.join(layoutDir, 'index.json'));
  const manifests = (index.manifests ?? []).filter((m) => m.mediaType === MEDIA_TYPE_MANIFEST || m.mediaType === MEDIA_TYPE_DOCKER_MANIFEST);
  const chosen = refName === undefined ? manifests : manifests.filter((m) => m.annotations?.[ANNOTATION_REF_NAME] === refName);
  const desc = chosen[0];
  if (!desc || (refName === undefined && chosen.length > 1)) {
    throw new Error(`${layoutDir}: expected ${refName === undefined ? 'exactly one image manifest' : `an image manifest named ${refName}`} in index.json, found ${chosen.length}`);
  }
  const manifest = JSON.parse(readBlob(layoutDir, desc).toString()) as { config: Descriptor; layers: Descriptor[] };
  const config = JSON.parse(readBlob(layoutDir, manifest.config).toString()) as OciImageConfig;
  return {
    manifestDigest: desc.digest,
    config,
    layers: manifest.layers.map((l) => ({ mediaType: l.mediaType ?? '', digest: l.digest, size: l.size, file: path.join(layoutDir, blobPath(l.digest)) })),
  };
}

function readBlob(layoutDir: string, desc: Descriptor): Buffer {
  const data = fs.readFileSync(path.join(layoutDir, blobPath(desc.digest)));
  if (data.length !== desc.size || sha256Digest(data) !== desc.digest) throw new Error(`${layoutDir}: blob ${desc.digest} does not match its descriptor`);
  return data;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}
