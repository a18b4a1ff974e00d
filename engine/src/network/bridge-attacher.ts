// The bridge side of engined's network seam (daemon/networking/network-attacher.ts on the engine
// branch): `--network bridge|<name>|<id>|container:<id>`, beside the none/host attacher. Typed
// here by the fields it reads, so it plugs in structurally: `attachers.add(new BridgeAttacher(net))`.
import * as path from 'node:path';
import { NetworkError, notFound } from './errors.js';
import { parseExtraHost } from './files/hosts-file.js';
import type { AttachResult, NetworkManager } from './network-manager.js';
import { parseExposedPort, portRequests } from './port-spec.js';
import type { AttachOptions, EndpointRequest } from './sandbox-plan.js';
import type { ContainerNetworking } from './views.js';

/** What the attacher reads of engined's ContainerRecord (Engine API field names). */
export interface BridgeContainer {
  ID: string;
  Name: string;
  Config: { Hostname: string; Domainname: string; ExposedPorts?: Record<string, object> };
  HostConfig: {
    NetworkMode: string;
    PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }>>;
    PublishAllPorts?: boolean;
    Dns?: string[];
    DnsSearch?: string[];
    DnsOptions?: string[];
    ExtraHosts?: string[] | null;
  };
  /** The engine's files dir is where hosts, resolv.conf and hostname are written. */
  HostsPath: string;
  /** From the create request's NetworkingConfig: --network-alias and --ip for the network. */
  NetworkingConfig?: { EndpointsConfig?: Record<string, { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null }> };
}

export interface BridgeEndpointSettings {
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  MacAddress: string;
  Aliases?: string[] | null;
}

export interface BridgeAttachment {
  netns: string | null | undefined;
  networks: Record<string, BridgeEndpointSettings>;
}

const CONTAINER_MODE = 'container:';

/** `HostConfig.PortBindings` back to `-p` specs: `{"80/tcp": [{HostIp: "", HostPort: "8080"}]}` → `:8080:80/tcp`. */
export function portSpecsFromBindings(bindings: BridgeContainer['HostConfig']['PortBindings']): string[] {
  const specs: string[] = [];
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const [port = '', proto = 'tcp'] = key.split('/');
    for (const b of list.length > 0 ? list : [{}]) {
      const hostIp = b.HostIp ?? '';
      const hostPort = b.HostPort ?? '';
      specs.push(hostIp || hostPort ? `${hostIp.includes(':') ? `[${hostIp}]` : hostIp}:${hostPort}:${port}/${proto}` : `${port}/${proto}`);
    }
  }
  return specs;
}

export class BridgeAttacher {
  constructor(private readonly net: NetworkManager) {}

  handles(mode: string): boolean {
    return mode !== 'none' && mode !== 'host';
  }

  /** At create time: the network exists, and ports, exposed ports and --add-host parse. */
  validate(c: BridgeContainer): void {
    const mode = c.HostConfig.NetworkMode;
    if (!mode.startsWith(CONTAINER_MODE)) this.net.inspect(mode);
    portRequests(portSpecsFromBindings(c.HostConfig.PortBindings), false, []);
    for (const key of Object.keys(c.Config.ExposedPorts ?? {})) parseExposedPort(key);
    for (const h of c.HostConfig.ExtraHosts ?? []) parseExtraHost(h, '127.0.0.1');
  }

  async attach(c: BridgeContainer): Promise<BridgeAttachment> {
    return this.view(await this.net.attach(c.ID, this.options(c)));
  }

  async detach(c: BridgeContainer): Promise<void> {
    await this.net.detach(c.ID);
  }

  /** After a restart: what the container is attached to (NetworkManager.recover() rewires). */
  restore(c: BridgeContainer): Promise<BridgeAttachment> {
    const n = this.net.container(c.ID);
    if (!n) return Promise.reject(new NetworkError('internal', `container ${c.ID} runs but its networking is gone`));
    return Promise.resolve(this.view(n));
  }

  options(c: BridgeContainer): AttachOptions {
    const mode = c.HostConfig.NetworkMode;
    const o: AttachOptions = { name: c.Name, filesDir: path.dirname(c.HostsPath) };
    if (mode.startsWith(CONTAINER_MODE)) {
      const target = mode.slice(CONTAINER_MODE.length);
      if (!target) throw notFound('no container given for --network container:');
      return { ...o, container: target };
    }
    const endpoint: EndpointRequest = { network: mode };
    const ec = c.NetworkingConfig?.EndpointsConfig?.[mode];
    if (ec?.Aliases?.length) endpoint.aliases = ec.Aliases;
    if (ec?.IPAMConfig?.IPv4Address) endpoint.ipv4Address = ec.IPAMConfig.IPv4Address;
    return {
      ...o,
      networks: [endpoint],
      ...(c.Config.Hostname ? { hostname: c.Config.Hostname } : {}),
      ...(c.Config.Domainname ? { domainname: c.Config.Domainname } : {}),
      ports: portSpecsFromBindings(c.HostConfig.PortBindings),
      publishAll: c.HostConfig.PublishAllPorts ?? false,
      exposedPorts: Object.keys(c.Config.ExposedPorts ?? {}),
      dns: c.HostConfig.Dns ?? [],
      dnsSearch: c.HostConfig.DnsSearch ?? [],
      dnsOptions: c.HostConfig.DnsOptions ?? [],
      extraHosts: c.HostConfig.ExtraHosts ?? [],
    };
  }

  private view(n: ContainerNetworking | AttachResult): BridgeAttachment {
    const networks: Record<string, BridgeEndpointSettings> = {};
    for (const e of n.endpoints) {
      networks[e.network] = {
        NetworkID: e.networkId,
        EndpointID: e.endpointId,
        Gateway: e.gateway,
        IPAddress: e.ip,
        IPPrefixLen: e.prefixLen,
        MacAddress: e.mac,
        Aliases: e.aliases.length > 0 ? [...e.aliases] : null,
      };
    }
    return { netns: n.netnsPath, networks };
  }
}
