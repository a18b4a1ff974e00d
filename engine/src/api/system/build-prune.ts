// POST /build/prune: empties the classic builder's cache (every step's image record; content still
// used by tagged images stays), after checking the filters as dockerd does. The cache keeps no
// sharing or size budget, so filters other than age (until, unused-for) and keep-storage are refused.
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../../daemon/http/router.js';
import { badRequest } from '../../daemon/http/api-error.js';
import { BuildCache } from '../../daemon/builder/build-cache.js';
import { parseTimeFilter } from './prune-filters.js';

const CACHE_FILTERS = ['id', 'parent', 'type', 'description', 'inuse', 'shared', 'private', 'until', 'unused-for'];

export function register(r: Router, e: Engine): void {
  r.post('/build/prune', async (ctx) => {
    const filters = ctx.filters();
    for (const k of filters.keys()) if (!CACHE_FILTERS.includes(k)) throw badRequest(`failed to prune build cache: Invalid filter '${k}'`);
    let before: number | undefined;
    for (const k of ['until', 'unused-for']) for (const v of filters.get(k) ?? []) before = Math.min(before ?? Infinity, parseTimeFilter(v));
    const keep = ctx.query.get('keep-storage');
    if (keep !== null && keep !== '' && !/^\d+$/.test(keep)) throw badRequest(`keep-storage is in bytes and expects an integer, got ${JSON.stringify(keep)}`);
    const other = [...filters.keys()].filter((k) => k !== 'until' && k !== 'unused-for');
    if (other.length || (keep && keep !== '0')) throw badRequest(`engined's build cache is pruned whole or by age (until, unused-for): ${other.length ? `filter ${other[0]}` : 'keep-storage'} is not supported`);
    const { ids, bytes } = await new BuildCache(e.containerd, e.images).prune(before === undefined ? undefined : new Date(before));
    ctx.sendJson(200, { CachesDeleted: ids.length ? ids : null, SpaceReclaimed: bytes });
  });
}
