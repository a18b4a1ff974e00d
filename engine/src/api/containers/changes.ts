// GET /containers/{id}/changes: the container's filesystem changes over its image (`docker diff`).
import { SNAPSHOTTER } from '../../daemon/containerd/client.js';
import { overlayChanges } from '../../daemon/containers/changes.js';
import type { Engine } from '../../daemon/engine.js';
import { serverError } from '../../daemon/http/api-error.js';
import type { Router } from '../../daemon/http/router.js';
import { libc } from '../../network/host/libc.js';

export function register(r: Router, e: Engine): void {
  r.get('/containers/{id}/changes', async (ctx) => {
    const rec = e.containers.store.get(ctx.param('id'));
    const { mounts } = await e.containerd.snapshots.mounts({ snapshotter: SNAPSHOTTER, key: rec.ID });
    const m = mounts[0];
    const opt = (name: string) => m?.options.find((o) => o.startsWith(`${name}=`))?.slice(name.length + 1);
    let upper: string | undefined;
    let lowers: string[] = [];
    if (m?.type === 'overlay') {
      upper = opt('upperdir');
      lowers = (opt('lowerdir') ?? '').split(':').filter(Boolean);
    } else if (m && (m.type === 'bind' || m.options.includes('rbind'))) {
      upper = m.source; // an image without layers: everything in the container was added
    }
    if (!upper) throw serverError(`cannot compute the changes of ${rec.ID}: its snapshot has no writable layer`);
    // dockerd answers null, not [], when nothing changed; clients print nothing either way.
    const changes = overlayChanges(upper, lowers, (f, n) => libc.lgetxattr(f, n));
    ctx.sendJson(200, changes.length ? changes : null);
  });
}
