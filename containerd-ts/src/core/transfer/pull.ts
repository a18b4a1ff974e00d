// Server-side pull: resolve, fetch the manifest tree for one platform, download layers concurrently
// (resuming interrupted ingests), unpack each layer as soon as it and its parent are ready, then
// record the image. Everything is held by a transfer lease until the image record exists.
import type { Logger } from '../log/logger.js';
import { invalidArgument } from '../errdefs.js';
import { sha256Of, type Digest } from '../digest.js';
import type { Ctx } from '../namespaces/context.js';
import type { ContentStore } from '../metadata/content.js';
import type { ImageStore } from '../metadata/images.js';
import type { LeaseStore } from '../metadata/leases.js';
import type { SnapshotStore } from '../metadata/snapshots.js';
import type { GarbageCollector } from '../gc/collector.js';
import { isIndex, isManifest } from '../images/media-types.js';
import { childLabels, chainIds, parseConfig, parseIndex, parseManifest, selectManifest, UNCOMPRESSED_LABEL, type Descriptor } from '../images/manifest.js';
import { hostPlatform, type Platform } from '../images/platform.js';
import { formatReference, parseNormalized, type Reference } from '../images/reference.js';
import type { RegistryHosts } from '../remotes/hosts.js';
import { RegistryClient } from '../remotes/registry-client.js';
import { unpackLayers, type UnpackLayer } from '../unpack/unpacker.js';
import { Limiter } from './limiter.js';
import { throttled, type ProgressSink } from './progress.js';
import { storeBytes, storeStream } from './store-blob.js';
import { withTransferLease } from './transfer-lease.js';

export interface TransferDeps {
  content: ContentStore;
  images: ImageStore;
  leases: LeaseStore;
  snapshotters: Map<string, SnapshotStore>;
  gc: GarbageCollector;
  hosts: RegistryHosts;
  log: Logger;
  defaultSnapshotter: string;
  maxConcurrentDownloads: number;
  allowDevices: boolean;
}

export interface PullOptions {
  reference: string;
  platform?: Platform;
  unpack: boolean;
  snapshotter?: string;
  plainHttp?: boolean;
  credentials?: { username: string; password: string };
  labels?: Record<string, string>;
  /** Image record name; default the normalized reference. */
  name?: string;
  /** Blobs downloaded at once; default the daemon's max_concurrent_downloads. */
  maxConcurrent?: number;
  signal?: AbortSignal;
}

export interface PullResult {
  name: string;
  target: Descriptor;
}

/** containerd's key names the registry by host alone (Go's url Hostname(): no port, no IPv6 brackets). */
export function distributionSourceLabel(ref: Reference): [string, string] {
  const host = ref.domain.startsWith('[') ? ref.domain.slice(1, ref.domain.indexOf(']')) : ref.domain.replace(/:\d*$/, '');
  return [`containerd.io/distribution.source.${host}`, ref.path];
}

export async function pull(deps: TransferDeps, ctx: Ctx, o: PullOptions, progress: ProgressSink): Promise<PullResult> {
  const ref = parseNormalized(o.reference);
  const name = o.name ?? formatReference(ref);
  const platform = o.platform ?? hostPlatform();
  const snapshotterName = o.snapshotter || deps.defaultSnapshotter;
  const snapshots = deps.snapshotters.get(snapshotterName);
  if (o.unpack && !snapshots) throw invalidArgument(`unknown snapshotter ${JSON.stringify(snapshotterName)}`);
  const report = throttled(progress);
  const clientOpts: ConstructorParameters<typeof RegistryClient>[1] = { hosts: deps.hosts };
  if (o.plainHttp !== undefined) clientOpts.plainHttp = o.plainHttp;
  if (o.credentials) clientOpts.credentials = o.credentials;
  const client = new RegistryClient(ref, clientOpts);
  const [srcKey, srcVal] = distributionSourceLabel(ref);
  const source = { [srcKey]: srcVal };

  return withTransferLease(deps, ctx, `pull ${name}`, async (lctx) => {
    report({ id: name, status: 'resolving' });
    const root = await client.resolve();
    report({ id: name, status: 'resolved', mediaType: root.desc.mediaType, target: root.desc });
    let manifestDesc = root.desc;
    let manifestBytes = root.bytes;
    // Walk down indexes (an index may nest another) to the platform's manifest.
    for (let depth = 0; isIndex(manifestDesc.mediaType); depth++) {
      if (depth > 4) throw invalidArgument(`${name}: image indexes nested too deep`);
      await storeBytes(deps.content, lctx, manifestDesc, manifestBytes, { ...childLabels(manifestDesc.mediaType, manifestBytes), ...source });
      const chosen = selectManifest(parseIndex(manifestBytes), platform);
      manifestBytes = deps.content.has(lctx, chosen.digest) ? await readAll(deps.content, lctx, chosen.digest) : await client.fetchManifest(chosen);
      manifestDesc = { mediaType: chosen.mediaType, digest: chosen.digest, size: chosen.size };
    }
    if (!isManifest(manifestDesc.mediaType)) throw invalidArgument(`${name}: unsupported manifest media type ${manifestDesc.mediaType}`);
    const manifest = parseManifest(manifestBytes);
    // Layers start downloading at once, alongside the config (their diff IDs come from it).
    const limiter = new Limiter(o.maxConcurrent ?? deps.maxConcurrentDownloads);
    const downloads = manifest.layers.map((layer) => {
      report({ id: layer.digest, status: 'waiting', mediaType: layer.mediaType, total: layer.size, offset: 0 });
      return limiter.run(async () => {
        const fetched = await storeStream(
          deps.content,
          lctx,
          layer,
          { open: (offset) => client.fetchBlob(layer, offset) },
          source,
          (offset) => report({ id: layer.digest, status: 'downloading', mediaType: layer.mediaType, total: layer.size, offset }),
          o.signal,
        );
        report({ id: layer.digest, status: fetched ? 'downloaded' : 'exists', mediaType: layer.mediaType, total: layer.size, offset: layer.size });
      });
    });
    // Rejections of downloads nobody awaits yet are reported through the unpack loop or below.
    for (const d of downloads) d.catch(() => undefined);
    report({ id: manifest.config.digest, status: 'downloading', mediaType: manifest.config.mediaType, total: manifest.config.size, offset: 0 });
    const configBytes = deps.content.has(lctx, manifest.config.digest) ? await readAll(deps.content, lctx, manifest.config.digest) : await fetchSmallBlob(client, manifest.config);
    const config = parseConfig(configBytes);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== manifest.layers.length) {
      throw invalidArgument(`${name}: manifest has ${manifest.layers.length} layers but the config lists ${diffIds.length} diff IDs`);
    }
    const chain = chainIds(diffIds);
    const configLabels: Record<string, string> = { ...source };
    if (o.unpack && chain.length) configLabels[`containerd.io/gc.ref.snapshot.${snapshotterName}`] = chain[chain.length - 1] as string;
    await storeBytes(deps.content, lctx, manifest.config, configBytes, configLabels);
    report({ id: manifest.config.digest, status: 'downloaded', mediaType: manifest.config.mediaType, total: manifest.config.size, offset: manifest.config.size });
    const labelled = manifest.layers.map((layer, i) => (downloads[i] as Promise<void>).then(() => void deps.content.adopt(lctx, layer.digest, layer.size, { [UNCOMPRESSED_LABEL]: diffIds[i] as string })));
    for (const d of labelled) d.catch(() => undefined);
    if (o.unpack && snapshots) {
      const layers: UnpackLayer[] = manifest.layers.map((desc, i) => ({ desc, diffId: diffIds[i] as Digest, ready: labelled[i] as Promise<void> }));
      await unpackLayers({
        ctx: lctx,
        snapshots,
        blobPath: (d) => deps.content.blobs.blobPath(d),
        layers,
        onLayer: (desc, status) => report({ id: desc.digest, status, mediaType: desc.mediaType, total: desc.size }),
        warn: (m) => deps.log.warn(m, { image: name }),
        allowDevices: deps.allowDevices,
      });
    }
    await Promise.all(labelled);
    await storeBytes(deps.content, lctx, manifestDesc, manifestBytes, { ...childLabels(manifestDesc.mediaType, manifestBytes), ...source });
    const image = deps.images.put(ctx, { name, labels: o.labels ?? {}, target: { mediaType: root.desc.mediaType, digest: root.desc.digest, size: root.desc.size, annotations: {} } });
    report({ id: name, status: 'done', imageName: image.name, target: root.desc });
    return { name: image.name, target: root.desc };
  });
}

async function fetchSmallBlob(client: RegistryClient, desc: Descriptor): Promise<Buffer> {
  const { stream } = await client.fetchBlob(desc, 0);
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    parts.push(c as Buffer);
    n += (c as Buffer).length;
    if (n > desc.size) break;
  }
  stream.destroy();
  const bytes = Buffer.concat(parts);
  if (bytes.length !== desc.size || sha256Of(bytes) !== desc.digest) {
    throw invalidArgument(`blob ${desc.digest}: content does not match its descriptor (got ${bytes.length} bytes)`);
  }
  return bytes;
}

export async function readAll(content: ContentStore, ctx: Ctx, digest: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of content.reader(ctx, digest)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
