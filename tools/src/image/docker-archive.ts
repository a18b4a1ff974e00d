import { blobPath } from './digest.js';

/**
 * The `manifest.json` of a `docker save` archive. Docker ≥25 writes its archives as an OCI layout
 * plus this file pointing into `blobs/sha256/`, so one tarball serves both `docker load` (which
 * reads manifest.json and decompresses gzip layers itself) and OCI readers such as
 * `ctr images import` (which prefer index.json when `oci-layout` is present).
 */
export interface DockerArchiveEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

export function dockerArchiveManifest(configDigest: string, layerDigests: readonly string[], repoTag: string | undefined): DockerArchiveEntry[] {
  return [{ Config: blobPath(configDigest), RepoTags: repoTag ? [repoTag] : [], Layers: layerDigests.map(blobPath) }];
}
