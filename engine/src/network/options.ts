// How a NetworkManager is configured, and the defaults Docker uses.
import type { AddressPool } from './subnet-pool.js';
import { DEFAULT_ADDRESS_POOLS } from './subnet-pool.js';

export interface DefaultBridgeOptions {
  /** The default network's subnet (Docker's `bip` network); default 172.17.0.0/16. */
  subnet?: string;
  /** Default: the subnet's first address. */
  gateway?: string;
  ipRange?: string;
  /** Linux bridge device; default `engine0` (Docker's is docker0). */
  device?: string;
  mtu?: number;
  icc?: boolean;
  masquerade?: boolean;
}

export type AttachStep = 'recorded' | 'netns' | 'veths' | 'ports' | 'rules' | 'dns' | 'files';

export interface NetworkManagerOptions {
  /** Durable state: network-state.json and, by default, each container's hosts/resolv.conf/hostname. */
  stateDir: string;
  /** Runtime state (tmpfs): netns/<container id>, the port proxy's socket, pid file and log. */
  runDir: string;
  defaultBridge?: DefaultBridgeOptions;
  /** Where networks created without --subnet get theirs. */
  defaultAddressPools?: AddressPool[];
  /** The namespace to treat as the host (a path such as /run/netns/NAME); default the daemon's own. For tests. */
  hostNetns?: string;
  /** The host's resolver configuration; default /etc/resolv.conf. */
  hostResolvConf?: string;
  /** Called at each step of an attach (tests use it to crash in the middle). */
  onAttachStep?: (step: AttachStep, containerId: string) => unknown;
}

export interface ResolvedOptions {
  stateDir: string;
  runDir: string;
  netnsDir: string;
  filesDir: string;
  defaultBridge: Required<Omit<DefaultBridgeOptions, 'gateway' | 'ipRange'>> & { gateway?: string; ipRange?: string };
  pools: AddressPool[];
  hostNetns?: string;
  hostResolvConf: string;
  onAttachStep?: (step: AttachStep, containerId: string) => unknown;
}

export function resolveOptions(o: NetworkManagerOptions): ResolvedOptions {
  const b = o.defaultBridge ?? {};
  const r: ResolvedOptions = {
    stateDir: o.stateDir,
    runDir: o.runDir,
    netnsDir: `${o.runDir}/netns`,
    filesDir: `${o.stateDir}/containers`,
    defaultBridge: {
      subnet: b.subnet ?? '172.17.0.0/16',
      device: b.device ?? 'engine0',
      mtu: b.mtu ?? 1500,
      icc: b.icc ?? true,
      masquerade: b.masquerade ?? true,
    },
    pools: o.defaultAddressPools ?? [...DEFAULT_ADDRESS_POOLS],
    hostResolvConf: o.hostResolvConf ?? '/etc/resolv.conf',
  };
  if (b.gateway) r.defaultBridge.gateway = b.gateway;
  if (b.ipRange) r.defaultBridge.ipRange = b.ipRange;
  if (o.hostNetns) r.hostNetns = o.hostNetns;
  if (o.onAttachStep) r.onAttachStep = o.onAttachStep;
  return r;
}
