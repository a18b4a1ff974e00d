// DELETE /containers/{id}?force&v, POST /containers/prune
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { filterContainers } from './list.js';

export function register(r: Router, e: Engine): void {
  r.delete('/containers/{id}', async (ctx) => {
    await e.containers.remove(ctx.param('id'), { force: ctx.flag('force'), volumes: ctx.flag('v') });
    e.execs.dropContainer(ctx.param('id'));
    ctx.noContent();
  });
  r.post('/containers/prune', async (ctx) => {
    const filters = ctx.filters();
    filters.delete('until');
    const stopped = filterContainers(e.containers.store.all(), filters).filter((c) => ['created', 'exited', 'dead'].includes(c.State.Status));
    const deleted: string[] = [];
    for (const c of stopped) {
      try {
        await e.containers.remove(c.ID, { force: false, volumes: false });
        deleted.push(c.ID);
      } catch (err) {
        e.log.warn(`prune ${c.ID}: ${String(err)}`);
      }
    }
    ctx.sendJson(200, { ContainersDeleted: deleted, SpaceReclaimed: 0 });
  });
}
