// Turns an attach request into a sandbox record: which networks, which addresses (IPAM), which
// interface and veth names, what to publish, and the container's DNS and hosts settings. Pure
// over the state (it mutates only the IPAM cursors of the networks it allocates from), so every
// bad request fails here, before anything is created.
import * as fs from 'node:fs';
import { conflict, forbidden, invalid, notFound } from './errors.js';
import { containerDns, parseResolvConf, type ResolvConf } from './files/resolv-conf.js';
import { parseExtraHost, type HostEntry } from './files/hosts-file.js';
import { allocateAddress, ipamPool, reserveAddress } from './ipam.js';
import { formatIPv4, parseIPv4 } from './ipv4.js';
import { macForIPv4 } from './mac-address.js';
import { hostVethName, newId, shortId } from './names.js';
import { findNetwork } from './networks.js';
import { portRequests, type PortRequest } from './port-spec.js';
import type { EndpointRecord, NetworkRecord, NetworkStateData, SandboxRecord } from './state/records.js';

export interface EndpointRequest {
  /** Network name, id or unique id prefix. */
  network: string;
  /** --network-alias (user-defined networks only). */
  aliases?: readonly string[];
  /** --ip (networks with a user-given subnet only). */
  ipv4Address?: string;
}

export interface AttachOptions {
  /** The container's name (without '/'): its DNS name on user-defined networks. */
  name: string;
  /** Default: the short container id, as Docker does. */
  hostname?: string;
  domainname?: string;
  /** Default: the default `bridge` network. */
  networks?: readonly EndpointRequest[];
  /** `--network container:<id>`: share that container's namespace (no networks, ports, dns or hosts of its own). */
  container?: string;
  /** `-p` values. */
  ports?: readonly string[];
  /** `-P`: publish every exposed port on an ephemeral host port. */
  publishAll?: boolean;
  /** Exposed ports (the image's EXPOSE plus --expose), as `80/tcp` keys. */
  exposedPorts?: readonly string[];
  dns?: readonly string[];
  dnsSearch?: readonly string[];
  dnsOptions?: readonly string[];
  /** `--add-host name:ip` (ip may be `host-gateway`). */
  extraHosts?: readonly string[];
  /** Legacy links' entries (`IP alias hostname name`), written after the --add-host ones as dockerd does. */
  linkHosts?: readonly HostEntry[];
  /** Where to write hosts/resolv.conf/hostname; default `<stateDir>/containers/<id>`. */
  filesDir?: string;
}

export function defaultBridge(state: NetworkStateData): NetworkRecord {
  const b = Object.values(state.networks).find((n) => n.predefined && n.name === 'bridge');
  if (!b) throw new Error('the default bridge network is missing from the state');
  return b;
}

/** Addresses in use on a network, across all containers. */
export function addressesInUse(state: NetworkStateData, networkId: string): Set<number> {
  const used = new Set<number>();
  for (const sb of Object.values(state.sandboxes)) {
    for (const e of sb.endpoints) if (e.networkId === networkId) used.add(parseIPv4(e.ip)!);
  }
  return used;
}

export function lowestFreeIfname(endpoints: readonly EndpointRecord[]): string {
  const used = new Set(endpoints.map((e) => e.ifname));
  let i = 0;
  while (used.has(`eth${i}`)) i++;
  return `eth${i}`;
}

/** A bridge network an endpoint may join, with the request's aliases and address checked. */
export function joinableNetwork(state: NetworkStateData, req: EndpointRequest): NetworkRecord {
  const net = findNetwork(state, req.network);
  if (!net.bridge) throw invalid(`network ${net.name} (driver ${net.driver}) is set up by the engine, not attached by networking`);
  if (net.status !== 'ready') throw notFound(`network ${req.network} not found`);
  if (net.predefined && (req.aliases?.length ?? 0) > 0) throw invalid('network-scoped alias is supported only for containers in user defined networks');
  if (req.ipv4Address && !net.bridge.userSubnet) throw invalid('user specified IP address is supported only when connecting to networks with user configured subnets');
  return net;
}

/** Allocates an endpoint on `net` for the container (moves the network's IPAM cursor). */
export function planEndpoint(state: NetworkStateData, containerId: string, net: NetworkRecord, req: EndpointRequest, others: readonly EndpointRecord[]): EndpointRecord {
  const b = net.bridge!;
  const pool = ipamPool(b.subnet, b.gateway, b.ipRange);
  const inUse = addressesInUse(state, net.id);
  const ip = req.ipv4Address ? reserveAddress(pool, inUse, req.ipv4Address) : allocateAddress(pool, inUse, parseIPv4(b.ipamCursor) ?? pool.gateway);
  if (!req.ipv4Address) b.ipamCursor = formatIPv4(ip);
  return {
    id: newId(),
    networkId: net.id,
    ip: formatIPv4(ip),
    mac: macForIPv4(ip),
    ifname: lowestFreeIfname(others),
    hostVeth: hostVethName(containerId, net.id),
    aliases: [...new Set(req.aliases ?? [])],
  };
}

const SYSTEMD_RESOLVED_UPSTREAMS = '/run/systemd/resolve/resolv.conf';

/**
 * The host's resolver settings. When /etc/resolv.conf points only at systemd-resolved's local
 * stub (useless inside a container), the real upstreams come from resolved's own file, as Docker
 * does it.
 */
export function readHostResolvConf(file: string): ResolvConf {
  const read = (f: string): ResolvConf | undefined => {
    try {
      return parseResolvConf(fs.readFileSync(f, 'utf8'));
    } catch {
      return undefined;
    }
  };
  const conf = read(file) ?? { nameservers: [], search: [], options: [] };
  const onlyStub = conf.nameservers.length > 0 && conf.nameservers.every((ns) => ns === '127.0.0.53');
  if (onlyStub && file === '/etc/resolv.conf') return read(SYSTEMD_RESOLVED_UPSTREAMS) ?? conf;
  return conf;
}

/** The sandbox record for a container with its own namespace (status 'attaching'). */
export function planSandbox(
  state: NetworkStateData,
  containerId: string,
  o: AttachOptions,
  paths: { netnsPath: string; filesDir: string; ownFilesDir: boolean },
  hostResolv: ResolvConf,
): SandboxRecord {
  if (state.sandboxes[containerId]) throw conflict(`container ${containerId} is already attached to its networks`);
  const requests = o.networks && o.networks.length > 0 ? o.networks : [{ network: 'bridge' }];
  const nets = requests.map((r) => joinableNetwork(state, r));
  const seen = new Set<string>();
  for (const n of nets) {
    if (seen.has(n.id)) throw invalid(`container cannot be connected to network ${n.name} more than once`);
    seen.add(n.id);
  }
  const ports: PortRequest[] = portRequests(o.ports ?? [], o.publishAll ?? false, o.exposedPorts ?? []);
  const gateway = defaultBridge(state).bridge?.gateway;
  const extraHosts: HostEntry[] = [...(o.extraHosts ?? []).map((h) => parseExtraHost(h, gateway)), ...(o.linkHosts ?? [])];
  const embedded = nets.some((n) => !n.predefined);
  const dns = containerDns({ host: hostResolv, dns: o.dns ?? [], dnsSearch: o.dnsSearch ?? [], dnsOptions: o.dnsOptions ?? [], embedded });

  const endpoints: EndpointRecord[] = [];
  nets.forEach((net, i) => endpoints.push(planEndpoint(state, containerId, net, requests[i]!, endpoints)));
  const sb: SandboxRecord = {
    containerId,
    name: o.name.replace(/^\//, ''),
    hostname: o.hostname || shortId(containerId),
    status: 'attaching',
    created: new Date().toISOString(),
    netnsPath: paths.netnsPath,
    endpoints,
    portRequests: ports,
    ports: [],
    extraHosts,
    resolvConf: dns.conf,
    dnsUpstreams: embedded ? dns.upstreams : [],
    filesDir: paths.filesDir,
    ownFilesDir: paths.ownFilesDir,
  };
  if (o.domainname) sb.domainname = o.domainname;
  return sb;
}

/** Finds an attached container by id, unique id prefix or name. */
export function findSandbox(state: NetworkStateData, ref: string): SandboxRecord | undefined {
  const exact = state.sandboxes[ref] ?? Object.values(state.sandboxes).find((s) => s.name === ref.replace(/^\//, ''));
  if (exact) return exact;
  const byPrefix = Object.values(state.sandboxes).filter((s) => s.containerId.startsWith(ref));
  return byPrefix.length === 1 ? byPrefix[0] : undefined;
}

/** `--network container:<ref>`: what may not be combined with it, and the namespace owner it resolves to. */
export function planShared(state: NetworkStateData, containerId: string, o: AttachOptions): SandboxRecord {
  if (state.sandboxes[containerId]) throw conflict(`container ${containerId} is already attached to its networks`);
  const conflicts: [boolean, string][] = [
    [(o.networks?.length ?? 0) > 0, 'conflicting options: container type network can\'t be used with multiple networks'],
    [(o.ports?.length ?? 0) > 0 || o.publishAll === true, 'conflicting options: port publishing and the container type network mode'],
    [o.hostname !== undefined && o.hostname !== '', 'conflicting options: hostname and the network mode'],
    [(o.dns?.length ?? 0) > 0 || (o.dnsSearch?.length ?? 0) > 0 || (o.dnsOptions?.length ?? 0) > 0, 'conflicting options: dns and the network mode'],
    [(o.extraHosts?.length ?? 0) > 0, 'conflicting options: custom host-to-IP mapping and the network mode'],
  ];
  for (const [bad, message] of conflicts) if (bad) throw invalid(message);
  let target = findSandbox(state, o.container ?? '');
  if (!target || target.status !== 'ready') throw notFound(`cannot join network of a non running container: ${o.container ?? ''}`);
  if (target.sharedWith) target = state.sandboxes[target.sharedWith] ?? target;
  if (target.containerId === containerId) throw forbidden('cannot join own network');
  return {
    containerId,
    name: o.name.replace(/^\//, ''),
    hostname: target.hostname,
    status: 'ready',
    created: new Date().toISOString(),
    netnsPath: target.netnsPath,
    sharedWith: target.containerId,
    endpoints: [],
    portRequests: [],
    ports: [],
    extraHosts: [],
    resolvConf: target.resolvConf,
    dnsUpstreams: [],
    filesDir: target.filesDir,
    ownFilesDir: false,
  };
}
