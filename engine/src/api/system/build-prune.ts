// POST /build/prune: engined has no builder, hence no build cache; it answers as a dockerd whose
// cache is empty, after checking the filters as BuildKit does.
import type { Router } from '../../daemon/http/router.js';
import { badRequest } from '../../daemon/http/api-error.js';
import { parseTimeFilter } from './prune-filters.js';

const CACHE_FILTERS = ['id', 'parent', 'type', 'description', 'inuse', 'shared', 'private', 'until', 'unused-for'];

export function register(r: Router): void {
  r.post('/build/prune', (ctx) => {
    const filters = ctx.filters();
    for (const k of filters.keys()) if (!CACHE_FILTERS.includes(k)) throw badRequest(`failed to prune build cache: Invalid filter '${k}'`);
    for (const k of ['until', 'unused-for']) for (const v of filters.get(k) ?? []) parseTimeFilter(v);
    const keep = ctx.query.get('keep-storage');
    if (keep !== null && keep !== '' && !/^\d+$/.test(keep)) throw badRequest(`keep-storage is in bytes and expects an integer, got ${JSON.stringify(keep)}`);
    ctx.sendJson(200, { CachesDeleted: null, SpaceReclaimed: 0 });
  });
}
