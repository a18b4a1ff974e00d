// The networking API engined calls. One instance per daemon; every operation runs under one
// mutex (they share the state file, IPAM and the iptables rule set).
import * as fs from 'node:fs';
import { attach, connect, detach, disconnect } from './attach.js';
import type { NetContext } from './context.js';
import { EmbeddedDns } from './dns/embedded-dns.js';
import { dnsViews } from './dns/dns-views.js';
import { renderContainerFiles, type ContainerFileContents } from './files/container-files.js';
import { HostSetup } from './host-setup.js';
import { commandRunner } from './host/command-runner.js';
import { purgeRules } from './host/iptables.js';
import { deleteLinks } from './host/links.js';
import { createNetwork, ensurePredefined, filterNetworks, findNetwork, pruneNetworks, removeNetwork, type CreateNetworkOptions, type NetworkFilters } from './networks.js';
import { resolveOptions, type NetworkManagerOptions, type ResolvedOptions } from './options.js';
import type { PortBinding } from './port-spec.js';
import { ProxyClient } from './proxy/proxy-client.js';
import { recover, type RecoveryReport } from './recover.js';
import type { AttachOptions, EndpointRequest } from './sandbox-plan.js';
import { Mutex, StateStore } from './state/state-store.js';
import { containerNetworking, endpointInfo, networkResource, type ContainerNetworking, type EndpointInfo, type NetworkResource } from './views.js';

export interface AttachResult extends ContainerNetworking {
  /** What was written to hostsPath, resolvConfPath and hostnamePath. */
  files: ContainerFileContents;
}

export class NetworkManager {
  private readonly ctx: NetContext;
  private readonly lock = new Mutex();
  private readonly oldDefaultDevice: string | undefined;

  private constructor(opts: ResolvedOptions) {
    for (const dir of [opts.stateDir, opts.runDir]) fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
    const store = new StateStore(opts.stateDir);
    const run = commandRunner(opts.hostNetns);
    this.oldDefaultDevice = ensurePredefined(store.data, opts).oldDevice;
    store.save();
    const source = { views: (id: string) => dnsViews(store.data, id), upstreams: (id: string) => store.data.sandboxes[id]?.dnsUpstreams ?? [] };
    this.ctx = {
      opts,
      store,
      run,
      proxy: new ProxyClient(opts.runDir, run.hostPrefix),
      dns: new EmbeddedDns(source),
      host: new HostSetup(run, () => store.data),
    };
  }

  /** Loads (or starts) the state. Call recover() next, before attaching containers. */
  static open(options: NetworkManagerOptions): NetworkManager {
    return new NetworkManager(resolveOptions(options));
  }

  private locked<T>(op: () => Promise<T>): Promise<T> {
    return this.lock.run(op);
  }

  /**
   * Reconciles with the host after a start or restart: `live` holds the ids of containers whose
   * processes are running (their networking is kept and restored); everything else is removed.
   */
  recover(live: Iterable<string>): Promise<RecoveryReport> {
    return this.locked(async () => {
      if (this.oldDefaultDevice) await deleteLinks(this.ctx.run, [this.oldDefaultDevice]);
      return recover(this.ctx, new Set(live));
    });
  }

  createNetwork(o: CreateNetworkOptions): Promise<NetworkResource> {
    return this.locked(async () => networkResource(this.ctx.store.data, await createNetwork(this.ctx, o)));
  }

  removeNetwork(ref: string): Promise<void> {
    return this.locked(() => removeNetwork(this.ctx, ref));
  }

  /** `network prune`: removes unused user-defined networks; returns their names. */
  prune(labels: readonly string[] = []): Promise<string[]> {
    return this.locked(() => pruneNetworks(this.ctx, labels));
  }

  list(filters: NetworkFilters = {}): NetworkResource[] {
    const s = this.ctx.store.data;
    return filterNetworks(s, filters).map((n) => networkResource(s, n));
  }

  /** By full id, name, or unique id prefix; throws a 404 NetworkError otherwise. */
  inspect(ref: string): NetworkResource {
    const s = this.ctx.store.data;
    return networkResource(s, findNetwork(s, ref));
  }

  /**
   * Gives a container its network namespace, endpoints, published ports, DNS and files. The
   * engine passes `netnsPath` to the runtime as linux.namespaces[{type:'network', path}] and
   * bind-mounts the three files over /etc/hosts, /etc/resolv.conf and /etc/hostname.
   */
  attach(containerId: string, o: AttachOptions): Promise<AttachResult> {
    return this.locked(async () => {
      const sb = await attach(this.ctx, containerId, o);
      const view = containerNetworking(this.ctx.store.data, containerId)!;
      const owner = sb.sharedWith ? this.ctx.store.data.sandboxes[sb.sharedWith] : sb;
      return { ...view, files: renderContainerFiles(owner ?? sb) };
    });
  }

  /** Removes everything attach made (call when the container stops); false if it was not attached. */
  detach(containerId: string): Promise<boolean> {
    return this.locked(() => detach(this.ctx, containerId));
  }

  /** `network connect` for a running container. */
  connect(network: string, containerRef: string, o: Omit<EndpointRequest, 'network'> = {}): Promise<EndpointInfo> {
    return this.locked(async () => endpointInfo(this.ctx.store.data, await connect(this.ctx, containerRef, { ...o, network })));
  }

  /** `network disconnect` for a running container. */
  disconnect(network: string, containerRef: string): Promise<void> {
    return this.locked(() => disconnect(this.ctx, containerRef, network));
  }

  /** The container's networking (for inspect), or undefined when it is not attached. */
  container(containerId: string): ContainerNetworking | undefined {
    return containerNetworking(this.ctx.store.data, containerId);
  }

  /** `engine port`: the container's published ports. */
  ports(containerId: string): PortBinding[] {
    return this.container(containerId)?.ports ?? [];
  }

  /** Stops serving DNS and drops the proxy connection; containers keep their networking. */
  close(): void {
    this.ctx.dns.close();
    this.ctx.proxy.disconnect();
  }

  /**
   * Removes everything networking ever made on this host: every container's networking, every
   * bridge, our iptables chains, the port proxy. For uninstalling, and for tests.
   */
  purge(): Promise<void> {
    return this.locked(async () => {
      await recover(this.ctx, new Set());
      for (const n of Object.values(this.ctx.store.data.networks)) {
        if (n.bridge) await deleteLinks(this.ctx.run, [n.bridge.device]);
      }
      await purgeRules(this.ctx.run);
      await this.ctx.proxy.stop();
      this.ctx.dns.close();
    });
  }
}
