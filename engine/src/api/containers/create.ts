// POST /containers/create?name=
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';

export function register(r: Router, e: Engine): void {
  r.post('/containers/create', async (ctx) => {
    const body = await ctx.json();
    const result = await e.containers.create(ctx.query.get('name'), body);
    ctx.sendJson(201, result);
  });
}
