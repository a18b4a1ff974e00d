// The CRI view of containerd-ts's images in the `k8s.io` namespace: containerd's CRI plugin keeps one
// record per tag, one per repo digest and one named by the config digest (the image ID), all
// pointing at the same target; CRI sees them grouped by image ID.
import type { ContentStore } from '../core/metadata/content.js';
import type { ImageStore } from '../core/metadata/images.js';
import type { DescriptorRecord, ImageRecord } from '../core/metadata/records.js';
import type { Digest } from '../core/digest.js';
import type { Ctx } from '../core/namespaces/context.js';
import { isIndex, isManifest } from '../core/images/media-types.js';
import { chainIds, parseConfig, parseIndex, parseManifest, selectManifest, type Descriptor, type ImageConfig } from '../core/images/manifest.js';
import { hostPlatform } from '../core/images/platform.js';
import { formatReference, parseNormalized, repositoryName } from '../core/images/reference.js';
import { readAll } from '../core/transfer/pull.js';
import { invalidArgument, isNotFound, notFound } from '../core/errdefs.js';

export const CRI_NAMESPACE = 'k8s.io';
export const CRI_CTX: Ctx = { namespace: CRI_NAMESPACE };
/** Marks images the CRI plugin manages (containerd's label). */
export const MANAGED_LABEL = 'io.cri-containerd.image';

const ID = /^sha256:[a-f0-9]{64}$/;

/** One image as CRI sees it: the resolved manifest, config and every record that names it. */
export interface CriImage {
  id: string;
  target: DescriptorRecord;
  manifest: Descriptor;
  config: ImageConfig;
  chainId: string | undefined;
  /** Manifest + config + layers, as containerd's image size counts them. */
  size: number;
  repoTags: string[];
  repoDigests: string[];
  records: ImageRecord[];
}

export class CriImageView {
  constructor(
    private readonly images: ImageStore,
    private readonly content: ContentStore,
  ) {}

  /** Resolves a record's target to the host platform's manifest and config. */
  private async resolve(rec: ImageRecord): Promise<Omit<CriImage, 'repoTags' | 'repoDigests' | 'records'>> {
    let desc: Descriptor = { mediaType: rec.target.mediaType, digest: rec.target.digest as Digest, size: rec.target.size };
    let size = 0;
    for (let depth = 0; isIndex(desc.mediaType); depth++) {
      if (depth > 4) throw invalidArgument(`image ${rec.name}: indexes nested too deep`);
      size += desc.size;
      desc = selectManifest(parseIndex(await readAll(this.content, CRI_CTX, desc.digest)), hostPlatform());
    }
    if (!isManifest(desc.mediaType)) throw invalidArgument(`image ${rec.name}: unsupported media type ${desc.mediaType}`);
    const manifest = parseManifest(await readAll(this.content, CRI_CTX, desc.digest));
    const config = parseConfig(await readAll(this.content, CRI_CTX, manifest.config.digest));
    size += desc.size + manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0);
    const chain = chainIds(config.rootfs.diff_ids);
    return { id: manifest.config.digest, target: rec.target, manifest: desc, config, chainId: chain[chain.length - 1], size };
  }

  /** Every image, grouped by ID; records whose content is gone are skipped. */
  async list(): Promise<CriImage[]> {
    const byId = new Map<string, CriImage>();
    for (const rec of this.images.list(CRI_CTX)) {
      let r;
      try {
        r = await this.resolve(rec);
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      let img = byId.get(r.id);
      if (!img) byId.set(r.id, (img = { ...r, repoTags: [], repoDigests: [], records: [] }));
      img.records.push(rec);
      if (ID.test(rec.name)) continue;
      try {
        const ref = parseNormalized(rec.name);
        if (ref.digest !== undefined) img.repoDigests.push(`${repositoryName(ref)}@${ref.digest}`);
        else img.repoTags.push(formatReference(ref));
      } catch {
        // a record named outside the reference grammar is listed under its ID only
      }
    }
    for (const img of byId.values()) {
      img.repoTags.sort();
      img.repoDigests.sort();
    }
    return [...byId.values()];
  }

  /**
   * Finds an image by ID (full `sha256:…` or a unique hex prefix of at least 12), by reference or by
   * repo digest; undefined when there is none (ImageStatus answers that without an error).
   */
  async find(spec: string): Promise<CriImage | undefined> {
    if (spec === '') throw invalidArgument('image must be set');
    const all = await this.list();
    const hex = spec.startsWith('sha256:') ? spec.slice(7) : spec;
    if (/^[a-f0-9]{12,64}$/.test(hex)) {
      const hits = all.filter((i) => i.id.slice(7).startsWith(hex));
      if (hits.length === 1) return hits[0];
      if (hits.length > 1) throw invalidArgument(`image ID prefix ${spec} is ambiguous`);
      if (spec.startsWith('sha256:')) return undefined;
    }
    const name = formatReference(parseNormalized(spec));
    return all.find((i) => i.records.some((r) => r.name === name));
  }

  /** Like find, but NotFound when absent. */
  async get(spec: string): Promise<CriImage> {
    const img = await this.find(spec);
    if (!img) throw notFound(`image "${spec}"`);
    return img;
  }
}

/** The user an image runs as: a numeric uid, or a name to look up in the container. */
export function imageUser(config: ImageConfig): { uid?: bigint; username?: string } {
  const user = typeof config.config?.['User'] === 'string' ? (config.config['User'] as string) : '';
  const name = user.split(':')[0] ?? '';
  if (name === '') return {};
  return /^\d+$/.test(name) ? { uid: BigInt(name) } : { username: name };
}
