// GET /distribution/{name}/json: the descriptor of an image's manifest (or index) in its registry and
// the platforms it offers, read from the registry without pulling, as `docker manifest`-style
// clients and buildx ask dockerd. A single-platform manifest's platform comes from its config blob.
import { createHash } from 'node:crypto';
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { ApiError, badRequest } from '../../daemon/http/api-error.js';
import { decodeRegistryAuth } from '../../daemon/images/registry-auth.js';
import { DEFAULT_DOMAIN, normalize, ReferenceError } from '../../common/reference.js';
import { plainHttp, registryGet } from '../images/registry-client.js';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export function register(r: Router, e: Engine): void {
  r.get('/distribution/{name*}/json', async (ctx) => {
    let ref;
    try {
      ref = normalize(ctx.param('name'));
    } catch (err) {
      if (err instanceof ReferenceError) throw badRequest(err.message);
      throw err;
    }
    const host = ref.domain === DEFAULT_DOMAIN ? 'registry-1.docker.io' : ref.domain;
    const base = `${plainHttp(host, e.config.insecureRegistries) ? 'http' : 'https'}://${host}/v2/${ref.path}`;
    const auth = decodeRegistryAuth(ctx.req.headers['x-registry-auth']);
    const scope = `repository:${ref.path}:pull`;
    const res = await registryGet(`${base}/manifests/${ref.digest ?? ref.tag ?? 'latest'}`, auth, scope, { Accept: MANIFEST_TYPES.join(', ') });
    if (res.status === 404) throw new ApiError(404, `manifest unknown: ${ctx.param('name')}`);
    if (res.status === 401) throw new ApiError(401, `unauthorized: authentication required for ${ref.domain}/${ref.path}`);
    if (!res.ok) throw new ApiError(500, `Unexpected status code ${res.status} from ${host}`);
    const body = Buffer.from(await res.arrayBuffer());
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (ref.digest && ref.digest !== digest) throw new ApiError(500, `manifest digest ${digest} does not match ${ref.digest}`);
    const manifest = JSON.parse(body.toString('utf8')) as { mediaType?: string; manifests?: Array<{ platform?: Platform }>; config?: { digest: string } };
    const mediaType = (res.headers.get('content-type') ?? manifest.mediaType ?? '').split(';')[0]!.trim();
    let platforms: Platform[] = [];
    if (manifest.manifests) platforms = manifest.manifests.flatMap((m) => (m.platform ? [m.platform] : []));
    else if (manifest.config) {
      const cfg = await registryGet(`${base}/blobs/${manifest.config.digest}`, auth, scope);
      if (!cfg.ok) throw new ApiError(500, `reading the image config ${manifest.config.digest}: status ${cfg.status}`);
      const c = (await cfg.json()) as { architecture?: string; os?: string; variant?: string };
      platforms = [{ architecture: c.architecture ?? '', os: c.os ?? '', ...(c.variant ? { variant: c.variant } : {}) }];
    }
    ctx.sendJson(200, { Descriptor: { mediaType, digest, size: body.length }, Platforms: platforms });
  });
}
