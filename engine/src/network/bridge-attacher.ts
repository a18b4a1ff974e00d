// The bridge side of engined's network seam (daemon/networking/network-attacher.ts):
// `--network bridge|<name>|<id>|container:<id>`, beside the none/host attacher. The container is
// typed here by the fields it reads, so it plugs in structurally: `attachers.add(new BridgeAttacher(net))`.
import * as path from 'node:path';
import { NetworkError, invalid, notFound } from './errors.js';
import { parseExtraHost } from './files/hosts-file.js';
import type { AttachResult, NetworkManager } from './network-manager.js';
import { shortId } from './names.js';
import { parseExposedPort, portRequests, type PortBinding } from './port-spec.js';
import type { RecoveryReport } from './recover.js';
import type { AttachOptions, EndpointRequest } from './sandbox-plan.js';
import type { ContainerNetworking } from './views.js';
import type { EndpointSettings } from '../daemon/networking/network-attacher.js';

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

export interface BridgeAttachment {
  netns: string | null | undefined;
  networks: Record<string, EndpointSettings>;
  /** The hostname the container gets (the target's for container:<id>). */
  hostname: string;
  /** The files to bind over /etc/hosts, /etc/resolv.conf, /etc/hostname (the target's for container:<id>). */
  files: { hostsPath: string; resolvConfPath: string; hostnamePath: string };
  /** Published ports as bound (the namespace owner's for container:<id>). */
  ports: PortBinding[];
}

type EndpointConfig = NonNullable<NonNullable<BridgeContainer['NetworkingConfig']>['EndpointsConfig']>[string];

function endpointRequest(network: string, ec: EndpointConfig | undefined): EndpointRequest {
  const endpoint: EndpointRequest = { network };
  if (ec?.Aliases?.length) endpoint.aliases = ec.Aliases;
  if (ec?.IPAMConfig?.IPv4Address) endpoint.ipv4Address = ec.IPAMConfig.IPv4Address;
  return endpoint;
}

const CONTAINER_MODE = 'container:';
const DEFAULT_BRIDGE_OPTION = 'com.docker.network.bridge.default_bridge';


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

  /** At create time: the networks exist, and ports, exposed ports and --add-host parse. */
  validate(c: BridgeContainer): void {
    const mode = c.HostConfig.NetworkMode;
    const h = c.HostConfig;
    if (mode.startsWith(CONTAINER_MODE)) {
      // What a container sharing another's namespace cannot have of its own (Docker's messages).
      if (Object.keys(h.PortBindings ?? {}).length > 0 || h.PublishAllPorts === true) throw invalid('conflicting options: port publishing and the container type network mode');
      if ((h.Dns?.length ?? 0) > 0 || (h.DnsSearch?.length ?? 0) > 0 || (h.DnsOptions?.length ?? 0) > 0) throw invalid('conflicting options: dns and the network mode');
      if ((h.ExtraHosts?.length ?? 0) > 0) throw invalid('conflicting options: custom host-to-IP mapping and the network mode');
    } else {
      for (const name of [mode, ...Object.keys(c.NetworkingConfig?.EndpointsConfig ?? {})]) this.net.inspect(name);
    }
    portRequests(portSpecsFromBindings(c.HostConfig.PortBindings), false, []);
    for (const key of Object.keys(c.Config.ExposedPorts ?? {})) parseExposedPort(key);
    for (const h of c.HostConfig.ExtraHosts ?? []) parseExtraHost(h, '127.0.0.1');
  }

  /** Once per daemon start, after reconnecting to the tasks: `live` are the running containers. */
  recover(live: Iterable<string>): Promise<RecoveryReport> {
    return this.net.recover(live);
  }

  /** `extra.linkHosts`: legacy links' /etc/hosts entries for this start. */
  async attach(c: BridgeContainer, extra: { linkHosts?: ReadonlyArray<{ ip: string; names: string[] }> } = {}): Promise<BridgeAttachment> {
    const o = this.options(c);
    return this.view(c.ID, await this.net.attach(c.ID, extra.linkHosts?.length ? { ...o, linkHosts: extra.linkHosts } : o));
  }

  async detach(c: BridgeContainer): Promise<void> {
    await this.net.detach(c.ID);
  }

  /** After a restart: what the container is attached to (NetworkManager.recover() rewires). */
  restore(c: BridgeContainer): Promise<BridgeAttachment> {
    const n = this.net.container(c.ID);
    if (!n) return Promise.reject(new NetworkError('internal', `container ${c.ID} runs but its networking is gone`));
    return Promise.resolve(this.view(c.ID, n));
  }

  /** The container's networking as it is now (after connects and disconnects), if attached. */
  current(c: BridgeContainer): BridgeAttachment | undefined {
    const n = this.net.container(c.ID);
    return n ? this.view(c.ID, n) : undefined;
  }

  options(c: BridgeContainer): AttachOptions {
    const mode = c.HostConfig.NetworkMode;
    const o: AttachOptions = { name: c.Name, filesDir: path.dirname(c.HostsPath) };
    if (mode.startsWith(CONTAINER_MODE)) {
      const target = mode.slice(CONTAINER_MODE.length);
      if (!target) throw notFound('no container given for --network container:');
      return { ...o, container: target };
    }
    const configs = c.NetworkingConfig?.EndpointsConfig ?? {};
    // The mode's network first (it gets eth0 and the default route), then those connected later.
    const extra = Object.entries(configs).filter(([name]) => name !== mode);
    return {
      ...o,
      networks: [endpointRequest(mode, configs[mode]), ...extra.map(([name, ec]) => endpointRequest(name, ec))],
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

  private view(id: string, n: ContainerNetworking | AttachResult): BridgeAttachment {
    const networks: Record<string, EndpointSettings> = {};
    for (const e of n.endpoints) {
      // Docker lists the short id among the aliases on user-defined networks (it resolves there).
      const userDefined = this.net.inspect(e.networkId).Options[DEFAULT_BRIDGE_OPTION] !== 'true';
      const aliases = userDefined ? [...e.aliases, shortId(id)] : [...e.aliases];
      networks[e.network] = {
        NetworkID: e.networkId,
        EndpointID: e.endpointId,
        Gateway: e.gateway,
        IPAddress: e.ip,
        IPPrefixLen: e.prefixLen,
        MacAddress: e.mac,
        Aliases: aliases.length > 0 ? aliases : null,
      };
    }
    return {
      netns: n.netnsPath,
      networks,
      hostname: n.hostname,
      files: { hostsPath: n.hostsPath, resolvConfPath: n.resolvConfPath, hostnamePath: n.hostnamePath },
      ports: [...n.ports],
    };
  }
}
