// /plugins: engined has no plugin system, so it answers as a dockerd whose plugin store is empty:
// the list is empty, a named plugin is not found, and installing one is refused with a clear error.
import type { Router } from '../../daemon/http/router.js';
import { ApiError, badRequest, notFound } from '../../daemon/http/api-error.js';

const FILTERS = ['capability', 'enable'];

const notInstalled = (name: string): ApiError => notFound(`plugin ${JSON.stringify(name)} not found`);
const unsupported = (): ApiError => new ApiError(501, 'plugins are not supported by this daemon (engined has no plugin system)');

export function register(r: Router): void {
  r.get('/plugins', (ctx) => {
    for (const [k, v] of ctx.filters()) {
      if (!FILTERS.includes(k)) throw badRequest(`Invalid filter '${k}'`);
      if (k === 'enable' && v.some((x) => x !== 'true' && x !== 'false')) throw badRequest(`Invalid filter 'enable'`);
    }
    ctx.sendJson(200, []);
  });
  // Installing needs a plugin runtime engined does not have: refused rather than half-done.
  r.get('/plugins/privileges', () => {
    throw unsupported();
  });
  r.post('/plugins/pull', () => {
    throw unsupported();
  });
  r.post('/plugins/create', () => {
    throw unsupported();
  });
  r.get('/plugins/{name*}/json', (ctx) => {
    throw notInstalled(ctx.param('name'));
  });
  for (const verb of ['enable', 'disable', 'push', 'set', 'upgrade']) {
    r.post(`/plugins/{name*}/${verb}`, (ctx) => {
      throw notInstalled(ctx.param('name'));
    });
  }
  r.delete('/plugins/{name*}', (ctx) => {
    throw notInstalled(ctx.param('name'));
  });
}
