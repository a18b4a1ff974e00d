// Images as the Engine API sees them, read from containerd-ts: the records (names → root descriptor)
// and, from the content store, the manifest and config of the host's platform. An image's ID is its
// config digest, as in Docker; names that share a config are one image with several tags.
import { Code, isGrpcCode } from '@stack/proto';
import { checkTag, familiarName, familiarRepository, normalize, formatReference, ReferenceError, repository, parseReference, type Reference } from '../../common/reference.js';
import { badRequest, noSuchImage, notFound, serverError } from '../http/api-error.js';
import type { Containerd } from '../containerd/client.js';
import { chainId } from './chain-id.js';
import { INDEX_TYPES, type Descriptor, type ImageConfig, type Index, type Manifest } from './image-types.js';
import { pickManifest } from './platform.js';

export interface ImageRecord {
  name: string;
  target: Descriptor;
  createdAt: Date;
  updatedAt: Date;
  labels: Record<string, string>;
}

/** An image as listed: everything but its config, of which only the summary is kept. */
export interface ListedImage {
  /** sha256:<config digest> */
  id: string;
  /** Stored names (docker.io/library/busybox:latest) that point at this config. */
  names: string[];
  records: ImageRecord[];
  manifestDigest: string;
  manifest: Manifest;
  labels: Record<string, string> | null;
  /** The snapshot key of the top layer (absent for an image with no layers). */
  chainId: string | undefined;
  /** Sum of the compressed layer sizes. */
  size: number;
  created: Date;
}

export interface ResolvedImage extends ListedImage {
  config: ImageConfig;
}

/** What a list needs from a config; small whatever the config's size (history, env…). */
interface ConfigSummary {
  labels: Record<string, string> | null;
  created: string | undefined;
  chainId: string | undefined;
}

/** Blobs above this size are read each time they are needed rather than kept parsed in memory. */
/**
 * Image records under this prefix are the builder's cache (every step's image, the untagged results
 * included): not listed and without names, but found by ID, so `docker run <built ID>` works.
 */
export const BUILD_CACHE_PREFIX = 'engine-build-cache/';
export const isBuildCacheName = (name: string): boolean => name.startsWith(BUILD_CACHE_PREFIX);

const BLOB_CACHE_MAX_BYTES = 256 * 1024;
const BLOB_CACHE_ENTRIES = 2000;

export class ImageStore {
  private readonly blobs = new Map<string, unknown>();
  /** Reads under way: concurrent requests for one blob share a read (and a parse). */
  private readonly reading = new Map<string, Promise<unknown>>();
  /** Per config digest: a config never changes under its digest, so neither does its summary. */
  private readonly summaries = new Map<string, ConfigSummary>();

  constructor(private readonly c: Containerd) {}

  async readBlob(digest: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const r of this.c.content.read({ digest, offset: 0n, size: 0n })) parts.push(Buffer.from(r.data));
    return Buffer.concat(parts);
  }

  /** Manifests and configs never change under their digest, so they are cached. */
  private async readJson<T>(digest: string): Promise<T> {
    const hit = this.blobs.get(digest);
    if (hit !== undefined) return hit as T;
    const under = this.reading.get(digest);
    if (under) return under as Promise<T>;
    const read = (async () => {
      const raw = await this.readBlob(digest);
      const v = JSON.parse(raw.toString('utf8')) as T;
      if (raw.length <= BLOB_CACHE_MAX_BYTES) {
        if (this.blobs.size >= BLOB_CACHE_ENTRIES) this.blobs.clear();
        this.blobs.set(digest, v);
      }
      return v;
    })();
    this.reading.set(digest, read);
    try {
      return await read;
    } finally {
      this.reading.delete(digest);
    }
  }

  private summarize(id: string, config: ImageConfig): ConfigSummary {
    let sum = this.summaries.get(id);
    if (!sum) {
      sum = { labels: config.config?.Labels ?? null, created: config.created, chainId: chainId(config.rootfs?.diff_ids ?? []) };
      this.summaries.set(id, sum);
    }
    return sum;
  }

  private async summaryOf(manifest: Manifest): Promise<ConfigSummary> {
    const id = manifest.config.digest;
    return this.summaries.get(id) ?? this.summarize(id, await this.configOf(manifest));
  }

  /** The records of named images (the build cache's are left out). */
  async records(): Promise<ImageRecord[]> {
    return (await this.allRecords()).filter((r) => !isBuildCacheName(r.name));
  }

  async allRecords(): Promise<ImageRecord[]> {
    const { images } = await this.c.images.list({ filters: [] });
    return images.map((i) => ({
      name: i.name,
      target: { mediaType: i.target?.mediaType ?? '', digest: i.target?.digest ?? '', size: Number(i.target?.size ?? 0n) },
      createdAt: i.createdAt ? new Date(Number(i.createdAt.seconds) * 1000 + Math.floor(i.createdAt.nanos / 1e6)) : new Date(0),
      updatedAt: i.updatedAt ? new Date(Number(i.updatedAt.seconds) * 1000 + Math.floor(i.updatedAt.nanos / 1e6)) : new Date(0),
      labels: { ...i.labels },
    }));
  }

  /** The host platform's manifest of a record's target. */
  async manifestOf(target: Descriptor): Promise<{ digest: string; manifest: Manifest }> {
    if (INDEX_TYPES.has(target.mediaType)) {
      const index = await this.readJson<Index>(target.digest);
      const pick = pickManifest(index.manifests);
      if (!pick) throw notFound(`no matching manifest for the host platform in ${target.digest}`);
      return this.manifestOf(pick);
    }
    return { digest: target.digest, manifest: await this.readJson<Manifest>(target.digest) };
  }

  async configOf(manifest: Manifest): Promise<ImageConfig> {
    return this.readJson<ImageConfig>(manifest.config.digest);
  }

  private async resolveRecords(records: ImageRecord[], all: ImageRecord[]): Promise<ResolvedImage> {
    const first = records[0]!;
    const { digest, manifest } = await this.manifestOf(first.target);
    const config = await this.configOf(manifest);
    const id = manifest.config.digest;
    // Every name whose manifest has the same config is the same image.
    const same: ImageRecord[] = [];
    for (const r of all) {
      try {
        if ((await this.manifestOf(r.target)).manifest.config.digest === id) same.push(r);
      } catch {
        // a record whose content is missing is not this image
      }
    }
    const withRecords = same.length ? same : records;
    const sum = this.summarize(id, config);
    return {
      id,
      names: withRecords.map((r) => r.name).filter((n) => !isBuildCacheName(n)),
      records: withRecords,
      manifestDigest: digest,
      manifest,
      config,
      labels: sum.labels,
      chainId: sum.chainId,
      size: manifest.layers.reduce((s, l) => s + l.size, 0),
      created: sum.created ? new Date(sum.created) : first.createdAt,
    };
  }

  /** Every image (one entry per config), skipping records whose content is gone. */
  async list(): Promise<ListedImage[]> {
    const all = await this.records();
    const byId = new Map<string, ListedImage>();
    for (const r of all) {
      try {
        const { digest, manifest } = await this.manifestOf(r.target);
        const id = manifest.config.digest;
        const seen = byId.get(id);
        if (seen) {
          seen.names.push(r.name);
          seen.records.push(r);
          continue;
        }
        const sum = await this.summaryOf(manifest);
        byId.set(id, {
          id,
          names: [r.name],
          records: [r],
          manifestDigest: digest,
          manifest,
          labels: sum.labels,
          chainId: sum.chainId,
          size: manifest.layers.reduce((s, l) => s + l.size, 0),
          created: sum.created ? new Date(sum.created) : r.createdAt,
        });
      } catch {
        // content gone or unreadable: not listed
      }
    }
    return [...byId.values()];
  }

  /** Finds an image by name (busybox, busybox:1, repo@sha256:…), full ID or unique ID prefix. */
  async find(input: string): Promise<ResolvedImage | undefined> {
    const all = await this.allRecords();
    const idLike = /^(sha256:)?[a-f0-9]{1,64}$/.exec(input);
    if (!idLike || input.length < 64 || input.includes(':')) {
      try {
        const ref = normalize(input);
        const name = formatReference(ref);
        let hits = all.filter((r) => r.name === name && !isBuildCacheName(r.name));
        if (!hits.length && ref.digest) hits = all.filter((r) => r.target.digest === ref.digest && r.name.startsWith(`${repository(ref)}`));
        if (hits.length) return this.resolveRecords(hits, all);
      } catch (err) {
        if (!(err instanceof ReferenceError) || !idLike) {
          if (err instanceof ReferenceError) throw badRequest(err.message);
          throw err;
        }
      }
    }
    if (idLike) {
      const prefix = input.startsWith('sha256:') ? input : `sha256:${input}`;
      const matches = new Map<string, ImageRecord[]>();
      for (const r of all) {
        try {
          const id = (await this.manifestOf(r.target)).manifest.config.digest;
          if (id.startsWith(prefix)) matches.set(id, [...(matches.get(id) ?? []), r]);
        } catch {
          // skip
        }
      }
      if (matches.size > 1) throw badRequest(`multiple IDs found with provided prefix: ${input}`);
      const only = [...matches.values()][0];
      if (only) return this.resolveRecords(only, all);
    }
    return undefined;
  }

  async get(input: string): Promise<ResolvedImage> {
    const img = await this.find(input);
    if (!img) throw noSuchImage(input);
    return img;
  }

  /** Adds a name for an image (tag); replaces what the name pointed at before. */
  async tag(target: Descriptor, name: string): Promise<void> {
    const image = { name, target: { mediaType: target.mediaType, digest: target.digest, size: BigInt(target.size), annotations: {} }, labels: {} };
    try {
      await this.c.images.create({ image });
    } catch (err) {
      if (!isGrpcCode(err, Code.ALREADY_EXISTS)) throw err;
      await this.c.images.update({ image, updateMask: { paths: ['target'] } });
    }
  }

  /**
   * Records that a repository holds this image under its digest (a pull, a push that completed): a
   * `repo@digest` name, which is what RepoDigests lists. Tags and loads record none, as in Docker.
   */
  async recordRepoDigest(name: string): Promise<void> {
    const rec = (await this.records()).find((r) => r.name === name);
    if (!rec) return;
    const ref = parseReference(name);
    await this.tag(rec.target, `${repository(ref)}@${rec.target.digest}`);
  }

  async untag(name: string): Promise<void> {
    try {
      await this.c.images.delete({ name, sync: false });
    } catch (err) {
      if (isGrpcCode(err, Code.NOT_FOUND)) throw noSuchImage(familiarName(name));
      throw err;
    }
  }
}

/**
 * Checks a user's new name for an image (tag, commit, import) as dockerd does; the stored form. A
 * refused name is a ReferenceError (dockerd's messages; the caller picks the status it answers with).
 */
export function parseNewName(repo: string, tag: string | undefined): string {
  let r: Reference;
  try {
    r = parseReference(repo);
    if (tag) checkTag(tag);
  } catch (err) {
    // dockerd answers a name its parser refuses here with a 500.
    if (err instanceof ReferenceError) throw serverError(err.message);
    throw err;
  }
  if (r.digest) throw badRequest('refusing to create a tag with a digest reference');
  // `sha256` as a repository would read as an image ID (sha256:…).
  if (familiarRepository(r) === 'sha256') throw badRequest('refusing to create an ambiguous tag using digest algorithm as name');
  return formatReference({ ...r, tag: tag || r.tag || 'latest' });
}
