import * as fs from 'node:fs';
import * as path from 'node:path';
import { blobPath, sha256Digest } from './digest.js';
import { dockerArchiveManifest } from './docker-archive.js';
import { imageConfig, type ImageConfigSpec } from './image-config.js';
import { buildLayer } from './layer.js';
import type { LayerSpec } from './layer-entry.js';
import {
  ANNOTATION_CONTAINERD_NAME,
  ANNOTATION_REF_NAME,
  MEDIA_TYPE_CONFIG,
  MEDIA_TYPE_INDEX,
  MEDIA_TYPE_LAYER_GZIP,
  MEDIA_TYPE_MANIFEST,
  OCI_LAYOUT_VERSION,
} from './media-types.js';
import { writeTarFile } from './tar-file.js';
import { commitAll, stageDirectory, stageFile, type StagedOutput } from './staged-output.js';

export interface WriteOciImageOptions {
  /** The OCI image layout directory to create (absent, empty, or an earlier layout to replace). */
  outDir: string;
  layers: LayerSpec[];
  config: ImageConfigSpec;
  /** The `org.opencontainers.image.ref.name` of the manifest in index.json; default 'latest'. */
  refName?: string;
  /** Also write one tarball that is both an OCI layout and a `docker save` archive. */
  archivePath?: string;
  /** Full image name (`docker.io/library/busybox:latest`) for the archive's RepoTags and index annotation. */
  repoTag?: string;
}

export interface BuiltLayerInfo {
  digest: string;
  diffId: string;
  size: number;
}

export interface BuiltImage {
  layoutDir: string;
  manifestDigest: string;
  manifestSize: number;
  configDigest: string;
  layers: BuiltLayerInfo[];
  refName: string;
  repoTag?: string;
  archivePath?: string;
}

/** A file of the layout: its path relative to the layout root and its bytes. */
interface LayoutFile {
  name: string;
  data: Buffer;
}

const REF_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$/;

/** Writes an OCI image layout (and optionally an OCI/Docker archive) all-or-nothing. */
export async function writeOciImage(opts: WriteOciImageOptions): Promise<BuiltImage> {
  const refName = opts.refName ?? 'latest';
  if (!REF_NAME.test(refName)) throw new Error(`invalid ref name ${JSON.stringify(refName)}`);

  // Everything that can fail on bad input happens before any output exists.
  const layers = opts.layers.map((spec, i) => buildLayer(spec, i));
  const config = imageConfig(
    opts.config,
    layers.map((l) => l.diffId),
    opts.layers.map((spec, i) => spec.createdBy ?? `@stack/tools layer ${i}`),
  );
  const configBytes = json(config);
  const configDigest = sha256Digest(configBytes);
  const manifestBytes = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPE_MANIFEST,
    config: { mediaType: MEDIA_TYPE_CONFIG, digest: configDigest, size: configBytes.length },
    layers: layers.map((l) => ({ mediaType: MEDIA_TYPE_LAYER_GZIP, digest: l.digest, size: l.size })),
  });
  const manifestDigest = sha256Digest(manifestBytes);
  const annotations: Record<string, string> = {
    ...(opts.repoTag ? { [ANNOTATION_CONTAINERD_NAME]: opts.repoTag } : {}),
    [ANNOTATION_REF_NAME]: refName,
  };
  const index = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPE_INDEX,
    manifests: [
      {
        mediaType: MEDIA_TYPE_MANIFEST,
        digest: manifestDigest,
        size: manifestBytes.length,
        annotations,
        platform: { architecture: config.architecture, os: config.os },
      },
    ],
  });

  const blobs: LayoutFile[] = [
    { name: blobPath(configDigest), data: configBytes },
    { name: blobPath(manifestDigest), data: manifestBytes },
    ...layers.map((l) => ({ name: blobPath(l.digest), data: l.gzip })),
  ];
  const unique = [...new Map(blobs.map((b) => [b.name, b])).values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const layoutFiles: LayoutFile[] = [
    { name: 'oci-layout', data: json({ imageLayoutVersion: OCI_LAYOUT_VERSION }) },
    { name: 'index.json', data: index },
    ...unique,
  ];

  const staged: { staged: StagedOutput; target: string }[] = [];
  try {
    const dir = await stageDirectory(opts.outDir, 'output dir');
    staged.push({ staged: dir, target: opts.outDir });
    await writeLayoutDir(dir.tmp, layoutFiles);
    if (opts.archivePath !== undefined) {
      const archive = await stageFile(opts.archivePath, 'archive');
      staged.push({ staged: archive, target: opts.archivePath });
      const dockerManifest = dockerArchiveManifest(configDigest, layers.map((l) => l.digest), opts.repoTag);
      await writeTarFile(archive.tmp, [...layoutFiles.slice(0, 2), { name: 'manifest.json', data: json(dockerManifest) }, ...unique]);
    }
    await commitAll(staged);
  } finally {
    for (const s of staged) await s.staged.discard();
  }

  return {
    layoutDir: path.resolve(opts.outDir),
    manifestDigest,
    manifestSize: manifestBytes.length,
    configDigest,
    layers: layers.map((l) => ({ digest: l.digest, diffId: l.diffId, size: l.size })),
    refName,
    ...(opts.repoTag ? { repoTag: opts.repoTag } : {}),
    ...(opts.archivePath !== undefined ? { archivePath: path.resolve(opts.archivePath) } : {}),
  };
}

async function writeLayoutDir(root: string, files: readonly LayoutFile[]): Promise<void> {
  await fs.promises.mkdir(path.join(root, 'blobs', 'sha256'), { recursive: true, mode: 0o755 });
  for (const f of files) await fs.promises.writeFile(path.join(root, f.name), f.data, { mode: 0o644 });
}

/** Compact JSON; key order is the literal's, so the bytes (and digests) are stable. */
function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
