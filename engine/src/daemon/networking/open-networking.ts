// engined's one NetworkManager: state under <data-root>/network, runtime files (container
// namespaces, the port proxy's socket) under <exec-root>/network, the default bridge from the
// daemon's `bridge`/`bip` settings.
import * as path from 'node:path';
import { NetworkManager, type NetworkManagerOptions } from '../../network/index.js';
import { ipv4Subnet } from './bip.js';
import type { DaemonConfig } from '../config.js';

export function openNetworking(config: DaemonConfig): NetworkManager {
  const options: NetworkManagerOptions = { stateDir: path.join(config.dataRoot, 'network'), runDir: path.join(config.execRoot, 'network') };
  const bridge: NonNullable<NetworkManagerOptions['defaultBridge']> = {};
  if (config.bridge !== 'none') bridge.device = config.bridge;
  if (config.bip) {
    const { subnet, gateway } = ipv4Subnet(config.bip);
    bridge.subnet = subnet;
    bridge.gateway = gateway;
  }
  options.defaultBridge = bridge;
  if (config.defaultAddressPools) options.defaultAddressPools = config.defaultAddressPools;
  return NetworkManager.open(options);
}
