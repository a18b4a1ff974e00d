// What a container needs from an image: its run config (Entrypoint, Cmd, Env, User…) and the chain
// ID of its unpacked layers, the parent of the container's snapshot. Read through the API as ctr
// does: Images.Get, then the index/manifest/config blobs from the content store.
import { hasCode, Status } from './light-channel.js';
import type { StackClient } from './client.js';
import type { Digest } from '../core/digest.js';
import { formatReference, parseNormalized } from '../core/images/reference.js';
import { chainIds, parseConfig, parseIndex, parseManifest, selectManifest, sniffMediaType, type ImageConfig } from '../core/images/manifest.js';
import { isIndex, isManifest } from '../core/images/media-types.js';
import { hostPlatform } from '../core/images/platform.js';
import type { ImageRunConfig } from './oci/spec-opts.js';

export interface RunImage {
  /** The stored name (`busybox` is found as docker.io/library/busybox:latest). */
  name: string;
  config: ImageConfig;
  run: ImageRunConfig;
  /** The snapshot to prepare the container's rootfs on; empty for an image without layers. */
  chainId: Digest | '';
}

async function readBlob(c: StackClient, digest: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const r of c.content.read({ digest })) parts.push(Buffer.from(r.data));
  return Buffer.concat(parts);
}

/** The image stored under `name`, else under its Docker-normalized form (both asked at once). */
async function getImage(c: StackClient, name: string) {
  let normalized = name;
  try {
    normalized = formatReference(parseNormalized(name));
  } catch {
    // not a reference: only the exact name can match
  }
  const lookup = async (n: string) => {
    try {
      return { name: n, image: (await c.images.get({ name: n })).image };
    } catch (err) {
      if (hasCode(err, Status.NOT_FOUND)) return undefined;
      throw err;
    }
  };
  const [exact, norm] = await Promise.all([lookup(name), normalized !== name ? lookup(normalized) : undefined]);
  const found = exact ?? norm;
  if (!found) throw new ImageNotFound(name);
  return found;
}

export class ImageNotFound extends Error {
  constructor(name: string) {
    super(`image ${JSON.stringify(name)}: not found (pull or import it first)`);
  }
}

export async function resolveRunImage(c: StackClient, ref: string): Promise<RunImage> {
  const { name, image } = await getImage(c, ref);
  let desc = image?.target;
  if (!desc) throw new Error(`image ${name} has no target`);
  // Follow indexes down to the host platform's manifest.
  for (let depth = 0; depth < 4; depth++) {
    const bytes = await readBlob(c, desc.digest);
    const mediaType = desc.mediaType || sniffMediaType(bytes);
    if (isIndex(mediaType)) {
      const d = selectManifest(parseIndex(bytes), hostPlatform());
      desc = { ...desc, mediaType: d.mediaType, digest: d.digest, size: BigInt(d.size) };
      continue;
    }
    if (!isManifest(mediaType)) throw new Error(`image ${name}: unsupported media type ${mediaType}`);
    const manifest = parseManifest(bytes);
    const config = parseConfig(await readBlob(c, manifest.config.digest));
    const chain = chainIds(config.rootfs.diff_ids);
    return { name, config, run: (config.config ?? {}) as ImageRunConfig, chainId: chain[chain.length - 1] ?? '' };
  }
  throw new Error(`image ${name}: indexes nested too deep`);
}
