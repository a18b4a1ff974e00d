// POST /images/prune: dangling images (the default) or, with dangling=false (`prune -a`), every image
// no container uses, narrowed by `until` (image creation time) and `label` / `label!` (config labels).
// Dangling, as dockerd: an image with no tag, even if a digest name (repo@sha256:…) still points at it,
// e.g. the image a pull by digest left, or the one a re-pulled tag moved away from.
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest } from '../../daemon/http/api-error.js';
import { pruneFilters } from '../system/prune-filters.js';
import { removeImage } from './tag-remove.js';

function danglingOnly(values: string[] | undefined): boolean {
  if (!values) return true;
  for (const v of values) if (!['true', 'false', '1', '0'].includes(v.toLowerCase())) throw badRequest(`Invalid filter 'dangling=${v}'`);
  return !values.some((v) => v === 'false' || v === '0');
}

export function register(r: Router, e: Engine): void {
  r.post('/images/prune', async (ctx) => {
    const filters = ctx.filters();
    const dangling = danglingOnly(filters.get('dangling'));
    filters.delete('dangling');
    const f = pruneFilters(filters);
    const deleted: Array<Record<string, string>> = [];
    let reclaimed = 0;
    const used = new Set(e.containers.store.all().map((c) => c.Image));
    for (const img of await e.images.list()) {
      if (used.has(img.id)) continue;
      if (dangling && img.names.some((n) => !n.includes('@'))) continue;
      if (f.until !== undefined && !(img.created.getTime() < f.until)) continue;
      if (!f.matchLabels(img.labels ?? {})) continue;
      try {
        // Forced: no container uses it, and its names may span repositories.
        deleted.push(...(await removeImage(e, img.id, true)));
        reclaimed += img.size;
      } catch (err) {
        e.log.warn(`prune ${img.id}: ${String(err)}`);
      }
    }
    ctx.sendJson(200, { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed });
  });
}
