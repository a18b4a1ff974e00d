// GET /containers/json?all&limit&filters
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest } from '../../daemon/http/api-error.js';
import type { ContainerRecord } from '../../daemon/state/container-record.js';
import { summaryView } from '../../daemon/containers/container-view.js';

const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

function label(rec: ContainerRecord, v: string): boolean {
  const [k, val] = v.split('=', 2) as [string, string | undefined];
  return k in rec.Config.Labels && (val === undefined || rec.Config.Labels[k] === val);
}

export function filterContainers(all: ContainerRecord[], filters: Map<string, string[]>): ContainerRecord[] {
  for (const k of filters.keys()) {
    if (!['status', 'name', 'id', 'label', 'ancestor', 'exited', 'volume', 'network', 'before', 'since', 'is-task', 'health'].includes(k)) throw badRequest(`invalid filter '${k}'`);
  }
  for (const s of filters.get('status') ?? []) if (!STATUSES.includes(s)) throw badRequest(`invalid filter 'status=${s}'`);
  return all.filter((c) => {
    const any = (key: string, test: (v: string) => boolean) => {
      const vals = filters.get(key);
      return !vals || vals.some(test);
    };
    return (
      any('status', (v) => c.State.Status === v) &&
      any('name', (v) => new RegExp(v).test(c.Name.slice(1)) || c.Name === v) &&
      any('id', (v) => c.ID.startsWith(v)) &&
      (filters.get('label') ?? []).every((v) => label(c, v)) &&
      any('ancestor', (v) => c.Config.Image === v || c.Image === v || c.Image.startsWith(`sha256:${v}`)) &&
      any('exited', (v) => c.State.Status === 'exited' && String(c.State.ExitCode) === v) &&
      any('volume', (v) => c.Mounts.some((m) => m.Name === v || m.Destination === v)) &&
      any('network', (v) => c.HostConfig.NetworkMode === v || v in (c.NetworkingConfig?.EndpointsConfig ?? {}))
    );
  });
}

export function register(r: Router, e: Engine): void {
  r.get('/containers/json', (ctx) => {
    const all = ctx.flag('all');
    const filters = ctx.filters();
    let list = filterContainers(e.containers.store.all(), filters);
    if (!all && !filters.has('status')) list = list.filter((c) => c.State.Status === 'running' || c.State.Status === 'paused' || c.State.Status === 'restarting');
    list.sort((a, b) => Date.parse(b.Created) - Date.parse(a.Created));
    const limit = ctx.int('limit');
    if (limit !== undefined && limit > 0) list = list.slice(0, limit);
    ctx.sendJson(200, list.map((c) => summaryView(c, c.Config.Image, e.containers.attachment(c.ID))));
  });
}
