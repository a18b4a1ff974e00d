// What networking persists. Every side effect is recorded *before* it is made (status
// 'creating'/'attaching'), with every name needed to undo it, so that after a crash recovery can
// finish or undo it; records leave the state only after their side effects are gone.
import type { PortBinding, PortRequest } from '../port-spec.js';
import type { HostEntry } from '../files/hosts-file.js';
import type { ResolvConf } from '../files/resolv-conf.js';

export type NetworkDriver = 'bridge' | 'host' | 'null';

export interface NetworkRecord {
  id: string;
  name: string;
  driver: NetworkDriver;
  /** ISO time. */
  created: string;
  /** bridge (default or created by `bridge` driver): absent for host/null. */
  bridge?: BridgeConfig;
  internal: boolean;
  attachable: boolean;
  /** The default bridge, host and none: cannot be removed, no aliases, no DNS. */
  predefined: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  status: 'creating' | 'ready' | 'removing';
}

export interface BridgeConfig {
  /** Linux bridge device name. */
  device: string;
  subnet: string;
  gateway: string;
  ipRange?: string;
  /** The subnet was given by the user (Docker allows --ip only then). */
  userSubnet: boolean;
  mtu: number;
  masquerade: boolean;
  icc: boolean;
  /** Last address handed out (round-robin allocation). */
  ipamCursor: string;
}

export interface EndpointRecord {
  /** 64 hex, Docker's EndpointID. */
  id: string;
  networkId: string;
  ip: string;
  mac: string;
  /** Inside the container: eth0, eth1… */
  ifname: string;
  /** The host end of the veth pair. */
  hostVeth: string;
  /** Network-scoped aliases (--network-alias). */
  aliases: string[];
  /** Being connected to a running container (recovery removes it if the daemon died meanwhile). */
  pending?: boolean;
}

export interface SandboxRecord {
  containerId: string;
  /** Container name without the leading slash (a DNS name on user-defined networks). */
  name: string;
  hostname: string;
  domainname?: string;
  status: 'attaching' | 'ready';
  created: string;
  netnsPath: string;
  /** `--network container:<id>`: the id whose namespace this one shares (no endpoints or ports of its own). */
  sharedWith?: string;
  endpoints: EndpointRecord[];
  /** What was asked, kept so a restart can re-publish with the same host ports. */
  portRequests: PortRequest[];
  ports: PortBinding[];
  extraHosts: HostEntry[];
  resolvConf: ResolvConf;
  /** Where the embedded DNS forwards other names (empty: not on a user-defined network). */
  dnsUpstreams: string[];
  filesDir: string;
  /** filesDir was made by us (removed on detach) rather than given by the engine. */
  ownFilesDir: boolean;
}

export interface NetworkStateData {
  version: 1;
  networks: Record<string, NetworkRecord>;
  sandboxes: Record<string, SandboxRecord>;
}

export function emptyState(): NetworkStateData {
  return { version: 1, networks: {}, sandboxes: {} };
}
