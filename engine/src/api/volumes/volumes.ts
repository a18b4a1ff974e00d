// /volumes: list, create, inspect, remove, prune (the local driver only).
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest } from '../../daemon/http/api-error.js';
import type { Volume } from '../../daemon/volumes/volume-store.js';

function view(v: Volume) {
  return { CreatedAt: v.CreatedAt, Driver: v.Driver, Labels: v.Labels, Mountpoint: v.Mountpoint, Name: v.Name, Options: v.Options, Scope: v.Scope };
}

export function register(r: Router, e: Engine): void {
  r.get('/volumes', (ctx) => {
    const filters = ctx.filters();
    let list = e.volumes.list();
    for (const k of filters.keys()) if (!['name', 'dangling', 'label', 'driver'].includes(k)) throw badRequest(`invalid filter '${k}'`);
    const names = filters.get('name');
    if (names) list = list.filter((v) => names.some((n) => v.Name.includes(n)));
    const dangling = filters.get('dangling');
    if (dangling) list = list.filter((v) => (e.containers.volumeUsers(v.Name).length === 0) === (dangling.includes('true') || dangling.includes('1')));
    for (const l of filters.get('label') ?? []) {
      const [k, val] = l.split('=', 2) as [string, string | undefined];
      list = list.filter((v) => k in v.Labels && (val === undefined || v.Labels[k] === val));
    }
    ctx.sendJson(200, { Volumes: list.map(view), Warnings: [] });
  });
  r.post('/volumes/create', async (ctx) => {
    const body = await ctx.requiredJson();
    if (body.Driver && body.Driver !== 'local') throw badRequest(`volume driver ${String(body.Driver)} is not supported (only local)`);
    const { volume, created } = e.volumes.create({
      ...(typeof body.Name === 'string' && body.Name ? { name: body.Name } : {}),
      labels: (body.Labels ?? {}) as Record<string, string>,
      options: (body.DriverOpts ?? {}) as Record<string, string>,
    });
    if (created) e.events.publish('volume', 'create', volume.Name, { driver: 'local' });
    ctx.sendJson(201, view(volume));
  });
  r.get('/volumes/{name}', (ctx) => ctx.sendJson(200, view(e.volumes.get(ctx.param('name')))));
  r.delete('/volumes/{name}', (ctx) => {
    const name = ctx.param('name');
    e.volumes.remove(name, e.containers.volumeUsers(name), ctx.flag('force'));
    e.events.publish('volume', 'destroy', name, { driver: 'local' });
    ctx.noContent();
  });
  r.post('/volumes/prune', (ctx) => {
    const filters = ctx.filters();
    // API ≥ 1.42 prunes only anonymous volumes by default; 1.41 prunes every unused one.
    const all = filters.get('all')?.includes('true') || ctx.version <= '1.41';
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const v of e.volumes.list()) {
      if (e.containers.volumeUsers(v.Name).length) continue;
      if (!all && !v.Anonymous) continue;
      const size = e.volumes.usage(v.Name);
      e.volumes.remove(v.Name, []);
      deleted.push(v.Name);
      reclaimed += Math.max(0, size);
      e.events.publish('volume', 'destroy', v.Name, { driver: 'local' });
    }
    ctx.sendJson(200, { VolumesDeleted: deleted, SpaceReclaimed: reclaimed });
  });
}
