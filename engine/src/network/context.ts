// What the manager's parts share: the state, the host tools, the proxy and the DNS server.
import type { EmbeddedDns } from './dns/embedded-dns.js';
import type { CommandRunner } from './host/command-runner.js';
import type { ResolvedOptions } from './options.js';
import type { ProxyClient } from './proxy/proxy-client.js';
import type { StateStore } from './state/state-store.js';
import type { HostSetup } from './host-setup.js';

export interface NetContext {
  opts: ResolvedOptions;
  store: StateStore;
  run: CommandRunner;
  proxy: ProxyClient;
  dns: EmbeddedDns;
  host: HostSetup;
}
