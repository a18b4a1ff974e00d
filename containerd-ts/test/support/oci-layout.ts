// Writes small OCI image layouts for tests (used where the shared fixtures cannot express a case:
// malicious layers, mismatched digests), and pushes them to a registry with skopeo.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipLayer, sha256, type Entry } from './tar-builder.js';

export interface TestImage {
  layoutDir: string;
  manifestDigest: string;
  configDigest: string;
  layers: Array<{ digest: string; diffId: string; size: number }>;
}

function writeBlob(dir: string, data: Buffer): { digest: string; size: number } {
  const digest = sha256(data);
  fs.writeFileSync(path.join(dir, 'blobs', 'sha256', digest.slice(7)), data);
  return { digest, size: data.length };
}

export function writeTestImage(layoutDir: string, layers: Entry[][], opts: { tag?: string; config?: Record<string, unknown> } = {}): TestImage {
  fs.mkdirSync(path.join(layoutDir, 'blobs', 'sha256'), { recursive: true });
  const built = layers.map((l) => gzipLayer(l));
  const layerDescs = built.map((b) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...writeBlob(layoutDir, b.blob) }));
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      rootfs: { type: 'layers', diff_ids: built.map((b) => b.diffId) },
      ...opts.config,
    }),
  );
  const cfg = writeBlob(layoutDir, config);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg }, layers: layerDescs }));
  const man = writeBlob(layoutDir, manifest);
  fs.writeFileSync(path.join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(
    path.join(layoutDir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...man, annotations: { 'org.opencontainers.image.ref.name': opts.tag ?? 'latest' } }] }),
  );
  return { layoutDir, manifestDigest: man.digest, configDigest: cfg.digest, layers: built.map((b, i) => ({ digest: layerDescs[i]?.digest ?? '', diffId: b.diffId, size: b.blob.length })) };
}

/** Copies a layout into a registry (skopeo), without the digest checks skopeo would do on pull. */
export function pushLayout(registryHost: string, layoutDir: string, repoTag: string, tag = 'latest'): void {
  execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layoutDir}:${tag}`, `docker://${registryHost}/${repoTag}`], { stdio: 'pipe' });
}
