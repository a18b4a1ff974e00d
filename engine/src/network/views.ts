// Docker-shaped views of the state, for engined to serve as they are: `GET /networks/{id}`
// (NetworkResource) and a container's `NetworkSettings.Networks` entries.
import { filePaths, type ContainerFilePaths } from './files/container-files.js';
import { parseSubnet } from './ipv4.js';
import { shortId } from './names.js';
import type { PortBinding } from './port-spec.js';
import type { EndpointRecord, NetworkRecord, NetworkStateData } from './state/records.js';

export interface NetworkResource {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: string;
  EnableIPv6: false;
  IPAM: { Driver: 'default'; Options: Record<string, string>; Config: { Subnet: string; Gateway: string; IPRange?: string }[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: false;
  ConfigFrom: { Network: string };
  ConfigOnly: false;
  Containers: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

export function networkResource(state: NetworkStateData, net: NetworkRecord): NetworkResource {
  const containers: NetworkResource['Containers'] = {};
  const prefix = net.bridge ? parseSubnet(net.bridge.subnet)!.prefix : 0;
  for (const sb of Object.values(state.sandboxes)) {
    for (const ep of sb.endpoints) {
      if (ep.networkId !== net.id || ep.pending) continue;
      containers[sb.containerId] = { Name: sb.name, EndpointID: ep.id, MacAddress: ep.mac, IPv4Address: `${ep.ip}/${prefix}`, IPv6Address: '' };
    }
  }
  const config = net.bridge ? [{ Subnet: net.bridge.subnet, Gateway: net.bridge.gateway, ...(net.bridge.ipRange ? { IPRange: net.bridge.ipRange } : {}) }] : [];
  return {
    Name: net.name,
    Id: net.id,
    Created: net.created,
    Scope: 'local',
    Driver: net.driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: config },
    Internal: net.internal,
    Attachable: net.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: { ...net.options },
    Labels: { ...net.labels },
  };
}

export interface EndpointInfo {
  network: string;
  networkId: string;
  endpointId: string;
  ip: string;
  prefixLen: number;
  mac: string;
  gateway: string;
  /** Inside the container. */
  ifname: string;
  aliases: string[];
}

export function endpointInfo(state: NetworkStateData, ep: EndpointRecord): EndpointInfo {
  const net = state.networks[ep.networkId];
  return {
    network: net?.name ?? ep.networkId,
    networkId: ep.networkId,
    endpointId: ep.id,
    ip: ep.ip,
    prefixLen: net?.bridge ? parseSubnet(net.bridge.subnet)!.prefix : 0,
    mac: ep.mac,
    gateway: net?.bridge?.gateway ?? '',
    ifname: ep.ifname,
    aliases: [...ep.aliases],
  };
}

export interface ContainerNetworking extends ContainerFilePaths {
  netnsPath: string;
  /** Set for `--network container:<id>`. */
  sharedWith?: string;
  endpoints: EndpointInfo[];
  ports: PortBinding[];
  hostname: string;
}

export function containerNetworking(state: NetworkStateData, containerId: string): ContainerNetworking | undefined {
  const sb = state.sandboxes[containerId];
  if (!sb) return undefined;
  const owner = sb.sharedWith ? state.sandboxes[sb.sharedWith] : sb;
  const out: ContainerNetworking = {
    netnsPath: sb.netnsPath,
    endpoints: sb.endpoints.filter((e) => !e.pending).map((e) => endpointInfo(state, e)),
    ports: [...(owner?.ports ?? [])],
    hostname: sb.hostname,
    ...filePaths(sb.filesDir),
  };
  if (sb.sharedWith) out.sharedWith = sb.sharedWith;
  return out;
}

/** One `NetworkSettings.Networks[name]` entry, as `docker inspect` shows it. */
export function dockerEndpointSettings(state: NetworkStateData, containerId: string, e: EndpointInfo): Record<string, unknown> {
  const userDefined = !state.networks[e.networkId]?.predefined;
  return {
    IPAMConfig: null,
    Links: null,
    Aliases: userDefined ? [...e.aliases, shortId(containerId)] : null,
    NetworkID: e.networkId,
    EndpointID: e.endpointId,
    Gateway: e.gateway,
    IPAddress: e.ip,
    IPPrefixLen: e.prefixLen,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    MacAddress: e.mac,
    DriverOpts: null,
  };
}
