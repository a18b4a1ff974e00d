// POST /containers/create?name=&platform=
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest } from '../../daemon/http/api-error.js';
import { checkHostConfigIntegers } from '../../daemon/containers/go-integers.js';
import { parsePlatform, type Platform } from '../../daemon/images/platform.js';

export function register(r: Router, e: Engine): void {
  r.post('/containers/create', async (ctx) => {
    const raw = ctx.query.get('platform');
    let platform: Platform | undefined;
    try {
      if (raw) platform = parsePlatform(raw);
    } catch (err) {
      throw badRequest((err as Error).message);
    }
    const body = await ctx.json();
    const hostConfig = body.HostConfig;
    if (hostConfig && typeof hostConfig === 'object' && !Array.isArray(hostConfig)) checkHostConfigIntegers(hostConfig as Record<string, unknown>, (await ctx.body()).toString('utf8'));
    const result = await e.containers.create(ctx.query.get('name'), body, platform ? { platform } : {});
    ctx.sendJson(201, result);
  });
}
