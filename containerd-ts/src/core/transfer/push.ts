// Push: upload an image's blobs (layers and config, skipping what the registry has), then its
// manifests, children before the index that names them, the root last under the tag.
import { invalidArgument } from '../errdefs.js';
import type { Digest } from '../digest.js';
import type { Ctx } from '../namespaces/context.js';
import { isIndex, isManifest } from '../images/media-types.js';
import { parseIndex, parseManifest, selectManifest, type Descriptor } from '../images/manifest.js';
import { hostPlatform, type Platform } from '../images/platform.js';
import { parseNormalized } from '../images/reference.js';
import { RegistryClient } from '../remotes/registry-client.js';
import { Limiter } from './limiter.js';
import { throttled, type ProgressSink } from './progress.js';
import { readAll, type TransferDeps } from './pull.js';

export interface PushOptions {
  name: string;
  reference: string;
  platform?: Platform;
  plainHttp?: boolean;
  credentials?: { username: string; password: string };
  /** Blobs uploaded at once; default the daemon's max_concurrent_downloads. */
  maxConcurrent?: number;
}

export async function push(deps: TransferDeps, ctx: Ctx, o: PushOptions, progress: ProgressSink): Promise<Descriptor> {
  const report = throttled(progress);
  const img = deps.images.get(ctx, o.name);
  const ref = parseNormalized(o.reference);
  const clientOpts: ConstructorParameters<typeof RegistryClient>[1] = { hosts: deps.hosts };
  if (o.plainHttp !== undefined) clientOpts.plainHttp = o.plainHttp;
  if (o.credentials) clientOpts.credentials = o.credentials;
  const client = new RegistryClient(ref, clientOpts);
  let root: Descriptor = { mediaType: img.target.mediaType, digest: img.target.digest as Digest, size: img.target.size };
  let rootBytes = await readAll(deps.content, ctx, root.digest);
  let manifests: Descriptor[] = [root];
  if (isIndex(root.mediaType)) {
    const index = parseIndex(rootBytes);
    const present = index.manifests.filter((m) => deps.content.has(ctx, m.digest));
    if (present.length === index.manifests.length && !o.platform) {
      manifests = present;
    } else {
      // Only some platforms are here: push the one asked for as the tag's manifest.
      const chosen = selectManifest({ ...index, manifests: present }, o.platform ?? hostPlatform());
      root = { mediaType: chosen.mediaType, digest: chosen.digest, size: chosen.size };
      rootBytes = await readAll(deps.content, ctx, root.digest);
      manifests = [root];
    }
  }
  const limiter = new Limiter(o.maxConcurrent ?? deps.maxConcurrentDownloads);
  const uploaded = new Map<string, Promise<void>>();
  const upload = (d: Descriptor) => {
    let p = uploaded.get(d.digest);
    if (!p) {
      p = limiter.run(async () => {
        if (!deps.content.has(ctx, d.digest)) throw invalidArgument(`image ${o.name}: blob ${d.digest} is not in the content store`);
        if (await client.hasBlob(d.digest)) {
          report({ id: d.digest, status: 'exists', mediaType: d.mediaType, total: d.size, offset: d.size });
          return;
        }
        report({ id: d.digest, status: 'uploading', mediaType: d.mediaType, total: d.size, offset: 0 });
        await client.pushBlob(d, () => {
          const r = deps.content.reader(ctx, d.digest);
          let n = 0;
          r.on('data', (c: Buffer) => {
            n += c.length;
            report({ id: d.digest, status: 'uploading', mediaType: d.mediaType, total: d.size, offset: n });
          });
          return r;
        });
        report({ id: d.digest, status: 'uploaded', mediaType: d.mediaType, total: d.size, offset: d.size });
      });
      uploaded.set(d.digest, p);
    }
    return p;
  };
  for (const m of manifests) {
    if (!isManifest(m.mediaType)) throw invalidArgument(`image ${o.name}: cannot push nested index ${m.digest}`);
    const bytes = m.digest === root.digest ? rootBytes : await readAll(deps.content, ctx, m.digest);
    const man = parseManifest(bytes);
    await Promise.all([...man.layers, man.config].map(upload));
    if (m.digest !== root.digest) {
      await client.pushManifest(m.digest, m.mediaType, bytes);
      report({ id: m.digest, status: 'uploaded', mediaType: m.mediaType, total: m.size, offset: m.size });
    }
  }
  await client.pushManifest(ref.tag ?? root.digest, root.mediaType, rootBytes);
  report({ id: root.digest, status: 'uploaded', mediaType: root.mediaType, total: root.size, offset: root.size });
  report({ id: o.reference, status: 'done', imageName: o.name, target: root });
  return root;
}
