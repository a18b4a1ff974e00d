// The classic builder's cache: each step's image, found again by what made it — the parent image,
// the step as recorded in history (expanded instruction, build args, for COPY/ADD the sources'
// checksum) and anything else that changes the result (--chown). Entries are containerd-ts image
// records under a hidden prefix: they keep their content and snapshots from garbage collection,
// survive restarts, and `docker build --no-cache`/`builder prune` ignore or drop them.
import { createHash } from 'node:crypto';
import { Code, isGrpcCode } from '@stack/proto';
import type { Containerd } from '../containerd/client.js';
import { chainId } from '../images/chain-id.js';
import { BUILD_CACHE_PREFIX, type ImageStore } from '../images/image-store.js';
import type { Descriptor, ImageConfig, Manifest } from '../images/image-types.js';

/** An image the builder works on: a step's result, a base image, or a finished build. */
export interface BuiltImage {
  id: string;
  manifest: Descriptor;
  manifestBody: Manifest;
  config: ImageConfig;
  chainId: string | undefined;
}

export function cacheKey(parentId: string | undefined, createdBy: string, extra = ''): string {
  return createHash('sha256').update(JSON.stringify([parentId ?? 'scratch', createdBy, extra])).digest('hex');
}

export class BuildCache {
  constructor(
    private readonly c: Containerd,
    private readonly images: ImageStore,
  ) {}

  async lookup(key: string): Promise<BuiltImage | undefined> {
    let target: Descriptor;
    try {
      const { image } = await this.c.images.get({ name: BUILD_CACHE_PREFIX + key });
      if (!image?.target) return undefined;
      target = { mediaType: image.target.mediaType, digest: image.target.digest, size: Number(image.target.size) };
    } catch (err) {
      if (isGrpcCode(err, Code.NOT_FOUND)) return undefined;
      throw err;
    }
    try {
      const { manifest } = await this.images.manifestOf(target);
      const config = await this.images.configOf(manifest);
      return { id: manifest.config.digest, manifest: target, manifestBody: manifest, config, chainId: chainId(config.rootfs.diff_ids) };
    } catch {
      return undefined; // content gone: a miss
    }
  }

  async store(key: string, image: BuiltImage): Promise<void> {
    await this.images.tag(image.manifest, BUILD_CACHE_PREFIX + key);
  }

  /** Drops the entries last used before `before` (all without it); the image IDs they held. */
  async prune(before?: Date): Promise<{ ids: string[]; bytes: number }> {
    const all = await this.images.allRecords();
    const cached = all.filter((r) => r.name.startsWith(BUILD_CACHE_PREFIX) && (!before || r.updatedAt < before));
    const kept = new Set<string>();
    const dropped = new Set(cached.map((r) => r.name));
    for (const r of all) {
      if (dropped.has(r.name)) continue;
      try {
        for (const l of (await this.images.manifestOf(r.target)).manifest.layers) kept.add(l.digest);
      } catch {
        // a record without content holds nothing
      }
    }
    const freed = new Map<string, number>();
    const ids: string[] = [];
    for (const r of cached) {
      try {
        const { manifest } = await this.images.manifestOf(r.target);
        ids.push(manifest.config.digest);
        for (const l of manifest.layers) if (!kept.has(l.digest)) freed.set(l.digest, l.size);
      } catch {
        // unreadable: dropped all the same
      }
      await this.c.images.delete({ name: r.name, sync: false }).catch((err: unknown) => {
        if (!isGrpcCode(err, Code.NOT_FOUND)) throw err;
      });
    }
    return { ids: [...new Set(ids)], bytes: [...freed.values()].reduce((a, b) => a + b, 0) };
  }
}
