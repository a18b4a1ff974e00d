// What a container can resolve, from the state: for each user-defined network it is on (in
// attach order), the attached containers there under their name, aliases, short id and hostname
// (dockerd's embedded DNS answers a container's --hostname too, its own and its peers').
import { shortId } from '../names.js';
import type { NetworkStateData } from '../state/records.js';
import type { DnsNetworkView } from './dns-answer.js';

export function dnsViews(state: NetworkStateData, containerId: string): DnsNetworkView[] {
  const sb = state.sandboxes[containerId];
  if (!sb) return [];
  const views: DnsNetworkView[] = [];
  for (const ep of sb.endpoints) {
    const net = state.networks[ep.networkId];
    if (ep.pending || !net || net.predefined) continue;
    const peers = [];
    for (const other of Object.values(state.sandboxes)) {
      if (other.status !== 'ready') continue;
      for (const oe of other.endpoints) {
        if (oe.networkId !== net.id || oe.pending) continue;
        const names = [...new Set([other.name, ...oe.aliases, shortId(other.containerId), other.hostname].filter(Boolean).map((n) => n.toLowerCase()))];
        peers.push({ names, ip: oe.ip });
      }
    }
    views.push({ network: net.name, peers });
  }
  return views;
}
