// Import of an image archive streamed from the client: an OCI layout tar (index.json naming images by
// annotation) or a `docker save` tar (manifest.json with RepoTags). Blobs go straight into the
// content store, verified against their names; the archive is never staged whole.
import { randomBytes } from 'node:crypto';
import { invalidArgument, isAlreadyExists } from '../errdefs.js';
import { isDigest, sha256Of, type Digest } from '../digest.js';
import type { Ctx } from '../namespaces/context.js';
import { TarReader } from '../archive/tar-reader.js';
import type { NsContentWriter } from '../metadata/content.js';
import { cleanArchivePath } from '../unpack/path-safety.js';
import { isIndex, isManifest, MediaType } from '../images/media-types.js';
import { chainIds, childLabels, parseConfig, parseIndex, parseManifest, selectManifest, UNCOMPRESSED_LABEL, type Descriptor, type Manifest } from '../images/manifest.js';
import { hostPlatform, type Platform } from '../images/platform.js';
import { formatReference, parseNormalized } from '../images/reference.js';
import { unpackLayers } from '../unpack/unpacker.js';
import type { ProgressSink } from './progress.js';
import { readAll, type TransferDeps } from './pull.js';
import { storeBytes } from './store-blob.js';
import { withTransferLease } from './transfer-lease.js';

export interface ImportOptions {
  unpack: boolean;
  snapshotter?: string;
  platform?: Platform;
  baseName?: string;
  labels?: Record<string, string>;
}

const SMALL_FILE = 8 * 1024 * 1024;

interface Stored {
  digest: Digest;
  size: number;
}

/** Reads the archive into the content store; returns small files by path and stored blobs by path. */
async function ingestArchive(deps: TransferDeps, ctx: Ctx, input: AsyncIterable<Buffer>, report: ProgressSink): Promise<{ small: Map<string, Buffer>; stored: Map<string, Stored> }> {
  const small = new Map<string, Buffer>();
  const stored = new Map<string, Stored>();
  const work: Array<() => Promise<void>> = [];
  const reader = new TarReader((h) => {
    if (h.type !== 'file') return undefined;
    const name = cleanArchivePath(h.name);
    const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name);
    const expected = m ? (`sha256:${m[1]}` as Digest) : undefined;
    if (!expected && h.size <= SMALL_FILE && !name.endsWith('.tar')) {
      const parts: Buffer[] = [];
      return { data: (c) => parts.push(Buffer.from(c)), end: () => small.set(name, Buffer.concat(parts)) };
    }
    // A blob (or a legacy layer.tar): stream it into the content store.
    let w: NsContentWriter | undefined;
    let skip = false;
    work.push(async () => {
      if (expected && deps.content.has(ctx, expected)) {
        skip = true;
        return;
      }
      try {
        const opts: { ref: string; total: number; expected?: Digest } = { ref: `import-${expected ?? randomBytes(8).toString('hex')}`, total: h.size };
        if (expected) opts.expected = expected;
        w = await deps.content.writer(ctx, opts);
        await w.truncate(0);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        skip = true;
      }
    });
    return {
      data: (c) => work.push(async () => (skip ? undefined : (w as NsContentWriter).write(c))),
      end: () =>
        work.push(async () => {
          if (skip) {
            if (expected) stored.set(name, { digest: expected, size: h.size });
            return;
          }
          const writer = w as NsContentWriter;
          // Taken before the commit consumes the hash: a legacy layer.tar has no name to expect it by.
          const written = writer.digest();
          let digest: Digest;
          try {
            digest = await writer.commit(h.size, expected, {});
          } catch (err) {
            // The same bytes are stored already (a second load of one archive): that is success.
            if (!isAlreadyExists(err)) throw err;
            digest = expected ?? written;
          }
          stored.set(name, { digest, size: h.size });
          report({ id: digest, status: 'importing', total: h.size, offset: h.size });
        }),
    };
  });
  for await (const chunk of input) {
    reader.push(chunk);
    while (work.length) await (work.shift() as () => Promise<void>)();
  }
  reader.end();
  if (!reader.finished && small.size === 0 && stored.size === 0) throw invalidArgument('import: the archive is empty or not a tar file');
  return { small, stored };
}

interface NamedRoot {
  name: string;
  desc: Descriptor;
}

function nameFor(annotations: Record<string, string> | undefined, baseName: string | undefined): string | undefined {
  const full = annotations?.['io.containerd.image.name'];
  if (full) return formatReference(parseNormalized(full));
  const ref = annotations?.['org.opencontainers.image.ref.name'];
  if (ref) {
    if (/[/:@]/.test(ref)) return formatReference(parseNormalized(ref));
    if (baseName) return formatReference(parseNormalized(`${baseName}:${ref}`));
  }
  return undefined;
}

/** Builds a schema2 manifest for each `docker save` entry, whose blobs are stored by path. */
async function dockerRoots(deps: TransferDeps, ctx: Ctx, small: Map<string, Buffer>, stored: Map<string, Stored>): Promise<NamedRoot[]> {
  const raw = small.get('manifest.json');
  if (!raw) return [];
  let entries: Array<{ Config?: string; RepoTags?: string[] | null; Layers?: string[] }>;
  try {
    entries = JSON.parse(raw.toString('utf8')) as typeof entries;
  } catch (err) {
    throw invalidArgument(`import: manifest.json: ${(err as Error).message}`);
  }
  const roots: NamedRoot[] = [];
  for (const e of entries) {
    if (!e.Config || !Array.isArray(e.Layers)) throw invalidArgument('import: manifest.json entry without Config or Layers');
    const cfgPath = cleanArchivePath(e.Config);
    let config: Descriptor;
    const cfgStored = stored.get(cfgPath);
    if (cfgStored) config = { mediaType: MediaType.dockerConfig, digest: cfgStored.digest, size: cfgStored.size };
    else {
      const bytes = small.get(cfgPath);
      if (!bytes) throw invalidArgument(`import: config ${e.Config} is missing from the archive`);
      config = { mediaType: MediaType.dockerConfig, digest: sha256Of(bytes), size: bytes.length };
      await storeBytes(deps.content, ctx, config, bytes, {});
    }
    const layers: Descriptor[] = [];
    for (const lp of e.Layers) {
      const l = stored.get(cleanArchivePath(lp));
      if (!l) throw invalidArgument(`import: layer ${lp} is missing from the archive`);
      const head = await firstBytes(deps, ctx, l.digest);
      const gz = head[0] === 0x1f && head[1] === 0x8b;
      layers.push({ mediaType: gz ? MediaType.dockerLayerGzip : MediaType.dockerLayer, digest: l.digest, size: l.size });
    }
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.dockerManifest, config, layers }));
    const desc: Descriptor = { mediaType: MediaType.dockerManifest, digest: sha256Of(manifest), size: manifest.length };
    await storeBytes(deps.content, ctx, desc, manifest, {});
    for (const tag of e.RepoTags ?? []) roots.push({ name: formatReference(parseNormalized(tag)), desc });
  }
  return roots;
}

async function firstBytes(deps: TransferDeps, ctx: Ctx, d: Digest): Promise<Buffer> {
  for await (const c of deps.content.reader(ctx, d, { start: 0, end: 1 })) return c as Buffer;
  return Buffer.alloc(0);
}

export async function importArchive(deps: TransferDeps, ctx: Ctx, input: AsyncIterable<Buffer>, o: ImportOptions, report: ProgressSink): Promise<NamedRoot[]> {
  const platform = o.platform ?? hostPlatform();
  const snapshotterName = o.snapshotter || deps.defaultSnapshotter;
  const snapshots = deps.snapshotters.get(snapshotterName);
  if (o.unpack && !snapshots) throw invalidArgument(`unknown snapshotter ${JSON.stringify(snapshotterName)}`);
  return withTransferLease(deps, ctx, 'import', async (lctx) => {
    const { small, stored } = await ingestArchive(deps, lctx, input, report);
    let roots: NamedRoot[] = [];
    const indexBytes = small.get('index.json');
    if (indexBytes) {
      const index = parseIndex(indexBytes);
      for (const m of index.manifests) {
        if (!deps.content.has(lctx, m.digest)) throw invalidArgument(`import: index.json names ${m.digest}, which is not in the archive`);
        const name = nameFor(m.annotations, o.baseName);
        if (name) roots.push({ name, desc: { mediaType: m.mediaType, digest: m.digest, size: m.size } });
      }
    }
    if (roots.length === 0) roots = await dockerRoots(deps, lctx, small, stored);
    if (roots.length === 0) throw invalidArgument('import: the archive names no image (no index.json annotations or manifest.json RepoTags); give a base name');
    const done: NamedRoot[] = [];
    for (const root of roots) {
      await labelTree(deps, lctx, root.desc, platform, o.unpack ? snapshotterName : undefined);
      if (o.unpack && snapshots) {
        const manifest = await platformManifest(deps, lctx, root.desc, platform);
        const config = parseConfig(await readAll(deps.content, lctx, manifest.config.digest));
        if (config.rootfs.diff_ids.length !== manifest.layers.length) throw invalidArgument(`import ${root.name}: layer count does not match the config's diff IDs`);
        await unpackLayers({
          ctx: lctx,
          snapshots,
          blobPath: (d) => deps.content.blobs.blobPath(d),
          layers: manifest.layers.map((desc, i) => ({ desc, diffId: config.rootfs.diff_ids[i] as Digest, ready: Promise.resolve() })),
          onLayer: (desc, status) => report({ id: desc.digest, status, mediaType: desc.mediaType, total: desc.size }),
          warn: (m) => deps.log.warn(m, { image: root.name }),
          allowDevices: deps.allowDevices,
        });
      }
      const img = deps.images.put(ctx, { name: root.name, labels: o.labels ?? {}, target: { mediaType: root.desc.mediaType, digest: root.desc.digest, size: root.desc.size, annotations: {} } });
      report({ id: img.name, status: 'done', imageName: img.name, target: root.desc });
      done.push(root);
    }
    return done;
  });
}

async function platformManifest(deps: TransferDeps, ctx: Ctx, desc: Descriptor, platform: Platform): Promise<Manifest> {
  let d = desc;
  for (let depth = 0; isIndex(d.mediaType); depth++) {
    if (depth > 4) throw invalidArgument('image indexes nested too deep');
    const index = parseIndex(await readAll(deps.content, ctx, d.digest));
    d = selectManifest({ ...index, manifests: index.manifests.filter((m) => deps.content.has(ctx, m.digest)) }, platform);
  }
  if (!isManifest(d.mediaType)) throw invalidArgument(`unsupported manifest media type ${d.mediaType}`);
  return parseManifest(await readAll(deps.content, ctx, d.digest));
}

/** Puts the gc.ref labels on an imported tree, as a pull would have. */
async function labelTree(deps: TransferDeps, ctx: Ctx, desc: Descriptor, platform: Platform, snapshotter: string | undefined): Promise<void> {
  if (!isDigest(desc.digest) || !deps.content.has(ctx, desc.digest)) return;
  const bytes = await readAll(deps.content, ctx, desc.digest);
  deps.content.adopt(ctx, desc.digest, desc.size, childLabels(desc.mediaType, bytes));
  if (isIndex(desc.mediaType)) {
    for (const m of parseIndex(bytes).manifests) await labelTree(deps, ctx, m, platform, snapshotter);
  } else if (isManifest(desc.mediaType)) {
    const m = parseManifest(bytes);
    if (!deps.content.has(ctx, m.config.digest)) return;
    const config = parseConfig(await readAll(deps.content, ctx, m.config.digest));
    const chain = chainIds(config.rootfs.diff_ids);
    const top = chain[chain.length - 1];
    if (snapshotter && top) deps.content.adopt(ctx, m.config.digest, m.config.size, { [`containerd.io/gc.ref.snapshot.${snapshotter}`]: top });
    m.layers.forEach((l, i) => {
      const diff = config.rootfs.diff_ids[i];
      if (diff && deps.content.has(ctx, l.digest)) deps.content.adopt(ctx, l.digest, l.size, { [UNCOMPRESSED_LABEL]: diff });
    });
  }
}
