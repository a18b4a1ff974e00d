// Reading OCI/Docker manifests, indexes and image configs, choosing the platform's manifest, and
// the derived facts containerd records: chain IDs and the gc.ref labels that tie an image together.
import { invalidArgument, notFound } from '../errdefs.js';
import { isDigest, sha256Of, type Digest } from '../digest.js';
import { isConfig, isIndex, isLayer, isManifest } from './media-types.js';
import { formatPlatform, platformMatches, type Platform } from './platform.js';

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string; variant?: string };
  urls?: string[];
}

export interface Index {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: Record<string, unknown>;
  rootfs: { type: string; diff_ids: Digest[] };
  history?: unknown[];
}

/** Manifests and configs larger than this are refused rather than parsed. */
export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

function object(bytes: Uint8Array, what: string): Record<string, unknown> {
  if (bytes.length > MAX_MANIFEST_BYTES) throw invalidArgument(`${what} is larger than ${MAX_MANIFEST_BYTES} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw invalidArgument(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidArgument(`${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

export function checkDescriptor(d: unknown, what: string): Descriptor {
  const o = d as Partial<Descriptor> | null;
  if (typeof o !== 'object' || o === null) throw invalidArgument(`${what}: not a descriptor`);
  if (typeof o.mediaType !== 'string' || o.mediaType === '') throw invalidArgument(`${what}: missing media type`);
  if (typeof o.digest !== 'string' || !isDigest(o.digest)) throw invalidArgument(`${what}: invalid digest ${JSON.stringify(o.digest)}`);
  if (typeof o.size !== 'number' || !Number.isSafeInteger(o.size) || o.size < 0) throw invalidArgument(`${what}: invalid size`);
  return o as Descriptor;
}

export function parseIndex(bytes: Uint8Array): Index {
  const o = object(bytes, 'image index');
  if (!Array.isArray(o['manifests'])) throw invalidArgument('image index has no manifests list');
  (o['manifests'] as unknown[]).forEach((m, i) => checkDescriptor(m, `image index manifests[${i}]`));
  return o as unknown as Index;
}

export function parseManifest(bytes: Uint8Array): Manifest {
  const o = object(bytes, 'image manifest');
  checkDescriptor(o['config'], 'image manifest config');
  if (!Array.isArray(o['layers'])) throw invalidArgument('image manifest has no layers list');
  (o['layers'] as unknown[]).forEach((l, i) => {
    const d = checkDescriptor(l, `image manifest layers[${i}]`);
    if (!isLayer(d.mediaType)) throw invalidArgument(`image manifest layers[${i}]: unsupported layer media type ${d.mediaType}`);
  });
  return o as unknown as Manifest;
}

export function parseConfig(bytes: Uint8Array): ImageConfig {
  const o = object(bytes, 'image config');
  const rootfs = o['rootfs'] as { type?: unknown; diff_ids?: unknown } | undefined;
  if (!rootfs || !Array.isArray(rootfs.diff_ids)) throw invalidArgument('image config has no rootfs.diff_ids');
  for (const d of rootfs.diff_ids) if (typeof d !== 'string' || !isDigest(d)) throw invalidArgument(`image config: invalid diff ID ${JSON.stringify(d)}`);
  return o as unknown as ImageConfig;
}

/** The media type of a manifest-like document whose descriptor did not say (registries may not). */
export function sniffMediaType(bytes: Uint8Array): string {
  const o = object(bytes, 'manifest');
  if (typeof o['mediaType'] === 'string') return o['mediaType'];
  if (Array.isArray(o['manifests'])) return 'application/vnd.oci.image.index.v1+json';
  if (o['config'] !== undefined) return 'application/vnd.oci.image.manifest.v1+json';
  throw invalidArgument('document is neither an image index nor a manifest');
}

/** Picks the manifest for a platform from an index (the first match, as containerd does). */
export function selectManifest(index: Index, platform: Platform): Descriptor {
  const candidates = index.manifests.filter((m) => isManifest(m.mediaType) || isIndex(m.mediaType));
  const withPlatform = candidates.filter((m) => m.platform && platformMatches(platform, { os: m.platform.os, architecture: m.platform.architecture, ...(m.platform.variant ? { variant: m.platform.variant } : {}) }));
  const chosen = withPlatform[0] ?? candidates.find((m) => !m.platform && isManifest(m.mediaType) && candidates.length === 1);
  if (!chosen) {
    const have = candidates.map((m) => (m.platform ? formatPlatform(m.platform) : 'unknown')).join(', ');
    throw notFound(`no manifest for platform ${formatPlatform(platform)} (image has: ${have || 'none'})`);
  }
  return chosen;
}

/** containerd's chain IDs: identity of a layer stack, chain[i] = sha256(chain[i-1] + " " + diff[i]). */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const d of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? d : sha256Of(`${prev} ${d}`));
  }
  return out;
}

export const UNCOMPRESSED_LABEL = 'containerd.io/uncompressed';
export const SNAPSHOT_REF_LABEL = 'containerd.io/snapshot.ref';

/** gc.ref labels an index or manifest carries so its children live as long as it does. */
export function childLabels(mediaType: string, bytes: Uint8Array): Record<string, string> {
  const labels: Record<string, string> = {};
  if (isIndex(mediaType)) {
    parseIndex(bytes).manifests.forEach((m, i) => (labels[`containerd.io/gc.ref.content.m.${i}`] = m.digest));
  } else if (isManifest(mediaType)) {
    const m = parseManifest(bytes);
    labels['containerd.io/gc.ref.content.config'] = m.config.digest;
    m.layers.forEach((l, i) => (labels[`containerd.io/gc.ref.content.l.${i}`] = l.digest));
  }
  return labels;
}

export function isImageJson(mediaType: string): boolean {
  return isIndex(mediaType) || isManifest(mediaType) || isConfig(mediaType);
}
