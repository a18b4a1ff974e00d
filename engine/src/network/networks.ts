// Networks: the predefined ones (bridge, host, none) and user-defined bridge networks, with
// Docker's rules and error messages for create, remove, prune, list filters and lookup.
import type { NetContext } from './context.js';
import { conflict, forbidden, invalid, notFound } from './errors.js';
import { deleteLinks, listLinks } from './host/links.js';
import { firstHost, formatIPv4, formatSubnet, parseIPv4, parseSubnet, subnetContains, subnetsOverlap, type Subnet } from './ipv4.js';
import { NETWORK_NAME, bridgeNameFor, newId, validInterfaceName } from './names.js';
import type { ResolvedOptions } from './options.js';
import type { BridgeConfig, NetworkRecord, NetworkStateData } from './state/records.js';
import { noPoolLeft, pickSubnet } from './subnet-pool.js';

export interface CreateNetworkOptions {
  name: string;
  /** Only `bridge` (the default) can be created. */
  driver?: string;
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  internal?: boolean;
  attachable?: boolean;
  labels?: Record<string, string>;
  /** Driver options: com.docker.network.bridge.name, …enable_icc, …enable_ip_masquerade, com.docker.network.driver.mtu. */
  options?: Record<string, string>;
}

export const OPT = {
  bridgeName: 'com.docker.network.bridge.name',
  icc: 'com.docker.network.bridge.enable_icc',
  masquerade: 'com.docker.network.bridge.enable_ip_masquerade',
  mtu: 'com.docker.network.driver.mtu',
  defaultBridge: 'com.docker.network.bridge.default_bridge',
  hostBinding: 'com.docker.network.bridge.host_binding_ipv4',
} as const;

/** Finds a network by full id, then name, then unique id prefix (Docker's order). */
export function findNetwork(state: NetworkStateData, ref: string): NetworkRecord {
  const all = Object.values(state.networks).filter((n) => n.status !== 'removing');
  const hit = state.networks[ref] ?? all.find((n) => n.name === ref);
  if (hit && hit.status !== 'removing') return hit;
  const byPrefix = ref.length > 0 ? all.filter((n) => n.id.startsWith(ref)) : [];
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byPrefix.length > 1) throw notFound(`network ${ref} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
  throw notFound(`network ${ref} not found`);
}

/** Makes sure the predefined networks exist in the state and the default bridge matches the options. */
export function ensurePredefined(state: NetworkStateData, opts: ResolvedOptions): { oldDevice?: string } {
  const now = new Date().toISOString();
  const byName = (name: string) => Object.values(state.networks).find((n) => n.predefined && n.name === name);
  for (const [name, driver] of [['host', 'host'], ['none', 'null']] as const) {
    if (byName(name)) continue;
    const id = newId();
    state.networks[id] = { id, name, driver, created: now, internal: false, attachable: false, predefined: true, labels: {}, options: {}, status: 'ready' };
  }
  const d = opts.defaultBridge;
  const subnet = parseSubnet(d.subnet, false);
  if (!subnet) throw invalid(`invalid default bridge subnet ${d.subnet}`);
  const normalized = formatSubnet(subnet);
  const gateway = d.gateway ?? formatIPv4(firstHost(subnet));
  const wanted: BridgeConfig = { device: d.device, subnet: normalized, gateway, userSubnet: false, mtu: d.mtu, masquerade: d.masquerade, icc: d.icc, ipamCursor: gateway };
  if (d.ipRange) wanted.ipRange = d.ipRange;
  const options = {
    [OPT.defaultBridge]: 'true',
    [OPT.icc]: String(d.icc),
    [OPT.masquerade]: String(d.masquerade),
    [OPT.hostBinding]: '0.0.0.0',
    [OPT.bridgeName]: d.device,
    [OPT.mtu]: String(d.mtu),
  };
  const existing = byName('bridge');
  if (!existing) {
    const id = newId();
    state.networks[id] = { id, name: 'bridge', driver: 'bridge', created: now, bridge: wanted, internal: false, attachable: false, predefined: true, labels: {}, options, status: 'ready' };
    return {};
  }
  const b = existing.bridge!;
  const same = b.device === wanted.device && b.subnet === wanted.subnet && b.gateway === wanted.gateway && b.mtu === wanted.mtu && b.ipRange === wanted.ipRange && b.icc === wanted.icc && b.masquerade === wanted.masquerade;
  const inUse = Object.values(state.sandboxes).some((s) => s.endpoints.some((e) => e.networkId === existing.id));
  if (same || inUse) return {};
  // Reconfigured while unused: take the new settings (the old device is removed by the caller).
  existing.bridge = { ...wanted, ipamCursor: wanted.gateway };
  existing.options = options;
  return b.device !== wanted.device ? { oldDevice: b.device } : {};
}

function parseBool(key: string, value: string | undefined, dflt: boolean): boolean {
  if (value === undefined) return dflt;
  if (/^(true|1)$/i.test(value)) return true;
  if (/^(false|0)$/i.test(value)) return false;
  throw invalid(`invalid value for ${key}: ${value}`);
}

/** Validates a create request and makes its record (not yet saved); `hostSubnets` are the host's own. */
export function planNetwork(state: NetworkStateData, o: CreateNetworkOptions, hostSubnets: readonly Subnet[], opts: ResolvedOptions): NetworkRecord {
  const driver = o.driver ?? 'bridge';
  if (!NETWORK_NAME.test(o.name)) throw invalid(`invalid network name "${o.name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  if (driver === 'host' || driver === 'null') throw forbidden(`only one instance of "${driver}" network is allowed`);
  if (driver !== 'bridge') throw notFound(`plugin "${driver}" not found`);
  if (Object.values(state.networks).some((n) => n.name === o.name && n.status !== 'removing')) throw conflict(`network with name ${o.name} already exists`);

  const options = { ...(o.options ?? {}) };
  const bridges = Object.values(state.networks).filter((n) => n.bridge && n.status !== 'removing');
  let subnet: Subnet;
  if (o.subnet) {
    const loose = parseSubnet(o.subnet, false);
    if (!loose) throw invalid(`invalid CIDR address: ${o.subnet}`);
    if (!parseSubnet(o.subnet)) throw invalid(`invalid subnet ${o.subnet}: it should be ${formatSubnet(loose)}`);
    if (loose.prefix > 30) throw invalid(`subnet ${o.subnet} is too small for a bridge network`);
    subnet = loose;
    if (bridges.some((n) => subnetsOverlap(parseSubnet(n.bridge!.subnet)!, subnet))) throw forbidden('Pool overlaps with other one on this address space');
  } else {
    if (o.gateway || o.ipRange) throw invalid('every ip-range or gateway must have a corresponding subnet');
    const taken = [...bridges.map((n) => parseSubnet(n.bridge!.subnet)!), ...hostSubnets];
    const picked = pickSubnet(opts.pools, taken);
    if (!picked) throw noPoolLeft();
    subnet = picked;
  }
  let gateway = firstHost(subnet);
  if (o.gateway) {
    const g = parseIPv4(o.gateway);
    if (g === undefined) throw invalid(`invalid gateway address: ${o.gateway}`);
    if (!subnetContains(subnet, g)) throw invalid(`no matching subnet for gateway ${o.gateway}`);
    gateway = g;
  }
  if (o.ipRange) {
    const r = parseSubnet(o.ipRange, false);
    if (!r) throw invalid(`invalid CIDR address: ${o.ipRange}`);
    if (!subnetContains(subnet, r.network) || r.prefix < subnet.prefix) throw invalid(`no matching subnet for range ${o.ipRange}`);
  }

  const id = newId();
  const device = options[OPT.bridgeName] ?? bridgeNameFor(id);
  if (!validInterfaceName(device)) throw invalid(`invalid bridge name ${device}`);
  if (bridges.some((n) => n.bridge!.device === device)) throw conflict(`bridge device ${device} is used by another network`);
  const mtuText = options[OPT.mtu];
  const mtu = mtuText === undefined ? 1500 : Number(mtuText);
  if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw invalid(`invalid MTU ${mtuText ?? ''}`);

  const bridge: BridgeConfig = {
    device,
    subnet: formatSubnet(subnet),
    gateway: formatIPv4(gateway),
    userSubnet: o.subnet !== undefined,
    mtu,
    masquerade: parseBool(OPT.masquerade, options[OPT.masquerade], true),
    icc: parseBool(OPT.icc, options[OPT.icc], true),
    ipamCursor: formatIPv4(gateway),
  };
  if (o.ipRange) bridge.ipRange = formatSubnet(parseSubnet(o.ipRange, false)!);
  return {
    id,
    name: o.name,
    driver: 'bridge',
    created: new Date().toISOString(),
    bridge,
    internal: o.internal ?? false,
    attachable: o.attachable ?? false,
    predefined: false,
    labels: { ...(o.labels ?? {}) },
    options,
    status: 'creating',
  };
}

/** The host's own IPv4 subnets, which auto-assigned networks avoid. */
export async function hostSubnets(ctx: NetContext): Promise<Subnet[]> {
  const ours = new Set(Object.values(ctx.store.data.networks).map((n) => n.bridge?.device));
  const out: Subnet[] = [];
  for (const l of await listLinks(ctx.run)) {
    if (ours.has(l.ifname)) continue;
    for (const a of l.addresses) {
      const s = parseSubnet(a, false);
      if (s && !a.startsWith('127.')) out.push(s);
    }
  }
  return out;
}

export async function createNetwork(ctx: NetContext, o: CreateNetworkOptions): Promise<NetworkRecord> {
  const rec = planNetwork(ctx.store.data, o, o.subnet ? [] : await hostSubnets(ctx), ctx.opts);
  const existing = (await listLinks(ctx.run)).find((l) => l.ifname === rec.bridge!.device);
  if (existing) throw conflict(`bridge device ${rec.bridge!.device} already exists on the host`);
  ctx.store.data.networks[rec.id] = rec;
  ctx.store.save();
  try {
    await ctx.host.ensureBridges([rec]);
    await ctx.host.syncRules();
    rec.status = 'ready';
    ctx.store.save();
    return rec;
  } catch (err) {
    await dropNetwork(ctx, rec).catch(() => undefined);
    throw err;
  }
}

/** Removes a network's bridge, rules and record (also used to finish an interrupted create or remove). */
export async function dropNetwork(ctx: NetContext, rec: NetworkRecord): Promise<void> {
  rec.status = 'removing';
  ctx.store.save();
  await ctx.host.syncRules();
  if (rec.bridge) {
    await deleteLinks(ctx.run, [rec.bridge.device]);
    ctx.host.forgetBridge(rec.bridge.device);
  }
  delete ctx.store.data.networks[rec.id];
  ctx.store.save();
}

export function endpointsOn(state: NetworkStateData, networkId: string): number {
  return Object.values(state.sandboxes).reduce((n, s) => n + s.endpoints.filter((e) => e.networkId === networkId).length, 0);
}

export async function removeNetwork(ctx: NetContext, ref: string): Promise<void> {
  const rec = findNetwork(ctx.store.data, ref);
  if (rec.predefined) throw forbidden(`${rec.name} is a pre-defined network and cannot be removed`);
  if (endpointsOn(ctx.store.data, rec.id) > 0) throw forbidden(`error while removing network: network ${rec.name} id ${rec.id} has active endpoints`);
  await dropNetwork(ctx, rec);
}

export interface NetworkFilters {
  name?: string[];
  id?: string[];
  driver?: string[];
  /** custom | builtin */
  type?: string[];
  /** `key` or `key=value` */
  label?: string[];
  dangling?: boolean;
}

function labelMatches(labels: Record<string, string>, want: string): boolean {
  const eq = want.indexOf('=');
  if (eq < 0) return want in labels;
  return labels[want.slice(0, eq)] === want.slice(eq + 1);
}

export function filterNetworks(state: NetworkStateData, f: NetworkFilters = {}): NetworkRecord[] {
  return Object.values(state.networks)
    .filter((n) => n.status === 'ready')
    .filter((n) => !f.name?.length || f.name.some((x) => n.name.includes(x)))
    .filter((n) => !f.id?.length || f.id.some((x) => n.id.startsWith(x)))
    .filter((n) => !f.driver?.length || f.driver.includes(n.driver))
    .filter((n) => !f.type?.length || f.type.includes(n.predefined ? 'builtin' : 'custom'))
    .filter((n) => !f.label?.length || f.label.every((l) => labelMatches(n.labels, l)))
    .filter((n) => f.dangling === undefined || f.dangling === (!n.predefined && endpointsOn(state, n.id) === 0))
    .sort((a, b) => a.created.localeCompare(b.created) || a.name.localeCompare(b.name));
}

/** Removes every unused user-defined network (matching the label filters); returns their names. */
export async function pruneNetworks(ctx: NetContext, labels: readonly string[] = []): Promise<string[]> {
  const removed: string[] = [];
  for (const n of Object.values(ctx.store.data.networks)) {
    if (n.predefined || n.status !== 'ready' || endpointsOn(ctx.store.data, n.id) > 0) continue;
    if (!labels.every((l) => labelMatches(n.labels, l))) continue;
    await dropNetwork(ctx, n);
    removed.push(n.name);
  }
  return removed;
}
