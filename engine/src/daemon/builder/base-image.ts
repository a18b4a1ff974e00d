// Images a build starts from (FROM) or copies from (COPY --from=IMAGE): the local one, or pulled
// through containerd-ts's Transfer service when missing (always with --pull, as dockerd does; a pull
// that fails then fails the build). Pull progress is reported as one status line, not per layer.
import { familiarName, familiarRepository, normalize, ReferenceError } from '../../common/reference.js';
import type { Engine } from '../engine.js';
import { SNAPSHOTTER } from '../containerd/client.js';
import type { ResolvedImage } from '../images/image-store.js';
import type { BuiltImage } from './build-cache.js';
import { BuildFailure, type BuildOutput } from './build-failure.js';

export function toBuilt(i: ResolvedImage): BuiltImage {
  return { id: i.id, manifest: i.records[0]?.target ?? { mediaType: i.manifest.mediaType ?? '', digest: i.manifestDigest, size: 0 }, manifestBody: i.manifest, config: i.config, chainId: i.chainId };
}

export async function ensureImage(e: Engine, name: string, pull: boolean, out: BuildOutput): Promise<BuiltImage> {
  const local = pull ? undefined : await e.images.find(name);
  if (local) return toBuilt(local);
  let ref;
  try {
    ref = normalize(name);
  } catch (err) {
    if (err instanceof ReferenceError) throw new BuildFailure(`invalid reference format: ${name}: ${err.message}`);
    throw err;
  }
  const full = `${ref.domain}/${ref.path}${ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`}`;
  out.status({ status: `Pulling from ${familiarRepository(ref)}`, id: ref.tag ?? ref.digest ?? 'latest' });
  try {
    for await (const p of e.containerd.transfer.pull({ reference: full, snapshotter: SNAPSHOTTER, plainHttp: e.config.insecureRegistries.includes(ref.domain), name: full })) void p;
  } catch (err) {
    throw new BuildFailure(`pull access denied for ${familiarRepository(ref)}, repository does not exist or may require 'docker login': ${(err as Error).message}`);
  }
  out.status({ status: `Status: Downloaded newer image for ${familiarName(full)}` });
  return toBuilt(await e.images.get(full));
}
