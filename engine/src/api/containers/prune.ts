// POST /containers/prune: removes stopped containers (created, exited, dead) that match the filters
// and reports the space their writable layers held.
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { SNAPSHOTTER } from '../../daemon/containerd/client.js';
import { pruneFilters } from '../system/prune-filters.js';

export function register(r: Router, e: Engine): void {
  r.post('/containers/prune', async (ctx) => {
    const f = pruneFilters(ctx.filters());
    const stopped = e.containers.store
      .all()
      .filter((c) => ['created', 'exited', 'dead'].includes(c.State.Status))
      .filter((c) => (f.until === undefined || Date.parse(c.Created) < f.until) && f.matchLabels(c.Config.Labels));
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const c of stopped) {
      try {
        const usage = await e.containerd.snapshots.usage({ snapshotter: SNAPSHOTTER, key: c.ID }).catch(() => undefined);
        await e.containers.remove(c.ID, { force: false, volumes: false });
        deleted.push(c.ID);
        reclaimed += Number(usage?.size ?? 0n);
      } catch (err) {
        e.log.warn(`prune ${c.ID}: ${String(err)}`);
      }
    }
    ctx.sendJson(200, { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed });
  });
}
