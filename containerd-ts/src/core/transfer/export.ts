// Export: an OCI image layout as a tar stream (oci-layout, index.json naming every image, blobs),
// plus Docker's manifest.json so `docker load` style readers take it too. Blobs stream from the
// content store; nothing is staged on disk.
import { invalidArgument } from '../errdefs.js';
import type { Digest } from '../digest.js';
import type { Ctx } from '../namespaces/context.js';
import { isIndex, isManifest } from '../images/media-types.js';
import { parseIndex, parseManifest, selectManifest, type Descriptor } from '../images/manifest.js';
import { hostPlatform, type Platform } from '../images/platform.js';
import { familiarName, parseReference } from '../images/reference.js';
import { TAR_END, tarHeader, tarPadding } from '../archive/tar-writer.js';
import { readAll, type TransferDeps } from './pull.js';

export interface ExportOptions {
  names: string[];
  platform?: Platform;
  allPlatforms: boolean;
}

function blobName(d: string): string {
  return `blobs/sha256/${d.slice('sha256:'.length)}`;
}

export async function* exportArchive(deps: TransferDeps, ctx: Ctx, o: ExportOptions): AsyncIterable<Buffer> {
  if (o.names.length === 0) throw invalidArgument('export needs at least one image name');
  const platform = o.platform ?? hostPlatform();
  const blobs = new Map<Digest, number>();
  const indexEntries: Descriptor[] = [];
  const dockerManifest: Array<{ Config: string; RepoTags: string[]; Layers: string[] }> = [];
  for (const name of o.names) {
    const img = deps.images.get(ctx, name);
    const root: Descriptor = { mediaType: img.target.mediaType, digest: img.target.digest as Digest, size: img.target.size };
    let tag: string | undefined;
    try {
      tag = parseReference(name).tag;
    } catch {
      tag = undefined;
    }
    indexEntries.push({ ...root, annotations: { 'io.containerd.image.name': name, ...(tag ? { 'org.opencontainers.image.ref.name': tag } : {}) } });
    const manifests: Descriptor[] = [];
    blobs.set(root.digest, root.size);
    if (isIndex(root.mediaType)) {
      const index = parseIndex(await readAll(deps.content, ctx, root.digest));
      const present = index.manifests.filter((m) => deps.content.has(ctx, m.digest));
      if (o.allPlatforms) {
        if (present.length !== index.manifests.length) throw invalidArgument(`image ${name}: not every platform's content is present; export one platform instead`);
        manifests.push(...present.filter((m) => isManifest(m.mediaType)));
      } else {
        manifests.push(selectManifest({ ...index, manifests: present }, platform));
      }
    } else {
      manifests.push(root);
    }
    for (const m of manifests) {
      blobs.set(m.digest, m.size);
      const man = parseManifest(await readAll(deps.content, ctx, m.digest));
      blobs.set(man.config.digest, man.config.size);
      for (const l of man.layers) {
        if (!deps.content.has(ctx, l.digest)) throw invalidArgument(`image ${name}: layer ${l.digest} is not in the content store`);
        blobs.set(l.digest, l.size);
      }
      let repoTag: string | undefined;
      try {
        repoTag = familiarName(parseReference(name));
      } catch {
        repoTag = undefined;
      }
      dockerManifest.push({ Config: blobName(man.config.digest), RepoTags: repoTag ? [repoTag] : [], Layers: man.layers.map((l) => blobName(l.digest)) });
    }
  }
  const now = Math.floor(Date.now() / 1000);
  const file = function* (name: string, body: Buffer): Iterable<Buffer> {
    yield tarHeader({ name, size: body.length, mtime: now });
    yield body;
    yield tarPadding(body.length);
  };
  yield* file('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
  yield tarHeader({ name: 'blobs/', size: 0, type: 'dir', mtime: now });
  yield tarHeader({ name: 'blobs/sha256/', size: 0, type: 'dir', mtime: now });
  for (const [digest, size] of blobs) {
    const info = deps.content.info(ctx, digest);
    if (info.size !== size) throw invalidArgument(`blob ${digest}: stored size ${info.size} differs from its descriptor's ${size}`);
    yield tarHeader({ name: blobName(digest), size, mtime: now, mode: 0o444 });
    for await (const chunk of deps.content.reader(ctx, digest)) yield chunk as Buffer;
    yield tarPadding(size);
  }
  yield* file('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: indexEntries })));
  yield* file('manifest.json', Buffer.from(JSON.stringify(dockerManifest)));
  yield TAR_END;
}
