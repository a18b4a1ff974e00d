// /networks: list (filters), inspect, create, remove, prune, in Docker's shapes.
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest } from '../../daemon/http/api-error.js';
import type { CreateNetworkOptions, NetworkFilters } from '../../network/index.js';

const FILTERS = ['name', 'id', 'driver', 'type', 'label', 'dangling', 'scope'];

function bool(values: readonly string[], key: string): boolean {
  const v = values[0] ?? '';
  if (['true', '1'].includes(v)) return true;
  if (['false', '0'].includes(v)) return false;
  throw badRequest(`invalid filter '${key}=${v}'`);
}

export function networkFilters(filters: Map<string, string[]>): NetworkFilters | 'none' {
  for (const k of filters.keys()) if (!FILTERS.includes(k)) throw badRequest(`invalid filter '${k}'`);
  for (const t of filters.get('type') ?? []) if (t !== 'custom' && t !== 'builtin') throw badRequest(`invalid filter: 'type'='${t}'`);
  // Every network here is local.
  if ((filters.get('scope') ?? []).some((s) => s !== 'local')) return 'none';
  const out: NetworkFilters = {};
  for (const k of ['name', 'id', 'driver', 'type', 'label'] as const) {
    const v = filters.get(k);
    if (v) out[k] = v;
  }
  const dangling = filters.get('dangling');
  if (dangling) out.dangling = bool(dangling, 'dangling');
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string')) throw badRequest(`invalid ${what}: expected an object of strings`);
  return v as Record<string, string>;
}

/** A NetworkCreateRequest to the library's options (IPv4 bridge networks only). */
export function createOptions(body: Record<string, unknown>): CreateNetworkOptions {
  if (typeof body.Name !== 'string' || !body.Name) throw badRequest('network name is required');
  if (body.EnableIPv6 === true) throw badRequest('IPv6 networks are not supported');
  if (body.Ingress === true || body.ConfigOnly === true) throw badRequest('swarm networks are not supported');
  const o: CreateNetworkOptions = { name: body.Name, labels: stringMap(body.Labels, 'Labels'), options: stringMap(body.Options, 'Options') };
  if (typeof body.Driver === 'string' && body.Driver) o.driver = body.Driver;
  if (body.Internal === true) o.internal = true;
  if (body.Attachable === true) o.attachable = true;
  const ipam = body.IPAM;
  if (ipam !== undefined && ipam !== null) {
    if (!isObject(ipam)) throw badRequest('invalid IPAM: expected an object');
    if (typeof ipam.Driver === 'string' && ipam.Driver && ipam.Driver !== 'default') throw badRequest(`IPAM driver ${ipam.Driver} is not supported (only default)`);
    const configs = ipam.Config ?? [];
    if (!Array.isArray(configs) || configs.some((c) => !isObject(c))) throw badRequest('invalid IPAM.Config: expected a list of objects');
    if (configs.length > 1) throw badRequest('only one IPv4 subnet per network is supported');
    const c = (configs[0] ?? {}) as Record<string, unknown>;
    if (typeof c.Subnet === 'string' && c.Subnet) o.subnet = c.Subnet;
    if (typeof c.Gateway === 'string' && c.Gateway) o.gateway = c.Gateway;
    if (typeof c.IPRange === 'string' && c.IPRange) o.ipRange = c.IPRange;
  }
  return o;
}

export function register(r: Router, e: Engine): void {
  r.get('/networks', (ctx) => {
    const f = networkFilters(ctx.filters());
    ctx.sendJson(200, f === 'none' ? [] : e.net.list(f));
  });
  r.post('/networks/create', async (ctx) => {
    const n = await e.net.createNetwork(createOptions(await ctx.json()));
    e.events.publish('network', 'create', n.Id, { name: n.Name, type: n.Driver });
    ctx.sendJson(201, { Id: n.Id, Warning: '' });
  });
  r.post('/networks/prune', async (ctx) => {
    const filters = ctx.filters();
    for (const k of filters.keys()) if (k !== 'label') throw badRequest(`invalid filter '${k}'`);
    const before = new Map(e.net.list().map((n) => [n.Name, n.Id]));
    const removed = await e.net.prune(filters.get('label') ?? []);
    for (const name of removed) e.events.publish('network', 'destroy', before.get(name) ?? name, { name, type: 'bridge' });
    ctx.sendJson(200, { NetworksDeleted: removed });
  });
  r.get('/networks/{id}', (ctx) => ctx.sendJson(200, e.net.inspect(ctx.param('id'))));
  r.delete('/networks/{id}', async (ctx) => {
    const n = e.net.inspect(ctx.param('id'));
    await e.net.removeNetwork(n.Id);
    e.events.publish('network', 'destroy', n.Id, { name: n.Name, type: n.Driver });
    ctx.noContent();
  });
}
