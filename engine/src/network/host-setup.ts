// The host side that all containers share: IP forwarding, one Linux bridge per network, and the
// iptables rules rendered from the whole state. Bridges are checked once per process (and again
// after recovery); rules are re-rendered on every change.
import type { CommandRunner } from './host/command-runner.js';
import { renderRules, type RuleNetwork, type RulePort } from './host/iptables-rules.js';
import { syncRules } from './host/iptables.js';
import { ensureBridge, listLinks } from './host/links.js';
import { enableForwarding } from './host/sysctl.js';
import { parseSubnet } from './ipv4.js';
import type { EndpointRecord, NetworkRecord, NetworkStateData, SandboxRecord } from './state/records.js';

export class HostSetup {
  private forwarding = false;
  private jumpsVerified = false;
  /** What the last sync wrote per table (a table whose rules did not change is not rewritten). */
  private written: { filter?: string; nat?: string } = {};
  private readonly bridges = new Set<string>();

  constructor(
    private readonly run: CommandRunner,
    private readonly state: () => NetworkStateData,
  ) {}

  /** Forgets what was verified (after recovery, or when someone else may have changed the host). */
  reset(): void {
    this.forwarding = false;
    this.jumpsVerified = false;
    this.written = {};
    this.bridges.clear();
  }

  async ensureBridges(networks: readonly NetworkRecord[]): Promise<void> {
    if (!this.forwarding) {
      await enableForwarding(this.run);
      this.forwarding = true;
    }
    const todo = networks.filter((n) => n.bridge && !this.bridges.has(n.bridge.device));
    if (todo.length === 0) return;
    const links = await listLinks(this.run);
    for (const n of todo) {
      const b = n.bridge!;
      const prefix = parseSubnet(b.subnet)!.prefix;
      await ensureBridge(this.run, { name: b.device, address: `${b.gateway}/${prefix}`, mtu: b.mtu }, links);
      this.bridges.add(b.device);
    }
  }

  forgetBridge(device: string): void {
    this.bridges.delete(device);
  }

  async syncRules(): Promise<void> {
    const s = this.state();
    const networks = Object.values(s.networks).filter((n) => n.bridge && n.status !== 'removing');
    const ruleNetworks: RuleNetwork[] = networks.map((n) => ({
      bridge: n.bridge!.device,
      subnet: n.bridge!.subnet,
      internal: n.internal,
      masquerade: n.bridge!.masquerade,
      icc: n.bridge!.icc,
    }));
    const ports: RulePort[] = [];
    for (const sb of Object.values(s.sandboxes)) {
      const ep = publishingEndpoint(sb, s.networks);
      const device = ep && s.networks[ep.networkId]?.bridge?.device;
      if (!ep || !device) continue;
      for (const p of sb.ports) {
        ports.push({ containerId: sb.containerId, proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort, containerIp: ep.ip, containerPort: p.containerPort, bridge: device });
      }
    }
    const rules = renderRules(ruleNetworks, ports);
    const text = { filter: rules.filter.join('\n'), nat: rules.nat.join('\n') };
    const changed = (['filter', 'nat'] as const).filter((t) => this.written[t] !== text[t]);
    this.written = {};
    await syncRules(this.run, rules, !this.jumpsVerified, changed);
    this.written = text;
    this.jumpsVerified = true;
  }
}

/**
 * The endpoint published ports lead to: the first on a network with a way out (Docker's
 * "gateway endpoint"); a container only on --internal networks publishes nothing.
 */
export function publishingEndpoint(sb: SandboxRecord, networks: Record<string, NetworkRecord>): EndpointRecord | undefined {
  return sb.endpoints.find((e) => !e.pending && networks[e.networkId] && !networks[e.networkId]!.internal);
}
