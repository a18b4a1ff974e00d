// DELETE /containers/{id}?force&v
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';

export function register(r: Router, e: Engine): void {
  r.delete('/containers/{id}', async (ctx) => {
    await e.containers.remove(ctx.param('id'), { force: ctx.flag('force'), volumes: ctx.flag('v') });
    e.execs.dropContainer(ctx.param('id'));
    ctx.noContent();
  });
}
