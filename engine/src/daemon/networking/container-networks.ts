// `network connect` and `network disconnect`: a running container is (dis)connected at once; either
// way the container's record keeps the networks it joins (NetworkingConfig.EndpointsConfig), so a
// restart joins them again, as Docker does.
import type { NetworkManager, NetworkResource } from '../../network/index.js';
import type { ContainerManager } from '../containers/container-manager.js';
import type { EventBus } from '../events/event-bus.js';
import { ApiError, badRequest, notFound } from '../http/api-error.js';
import type { ContainerRecord, EndpointConfig } from '../state/container-record.js';

const forbidden = (m: string): ApiError => new ApiError(403, m);

function isAttached(rec: ContainerRecord): boolean {
  return rec.State.Status === 'running' || rec.State.Status === 'paused';
}

function isModeNetwork(rec: ContainerRecord, n: NetworkResource): boolean {
  return rec.HostConfig.NetworkMode === n.Name || rec.HostConfig.NetworkMode === n.Id;
}

export class ContainerNetworks {
  constructor(
    private readonly containers: ContainerManager,
    private readonly net: NetworkManager,
    private readonly events: EventBus,
  ) {}

  async connect(networkRef: string, containerRef: string, settings: EndpointConfig): Promise<void> {
    const network = this.net.inspect(networkRef);
    const rec = this.containers.store.get(containerRef);
    await this.containers.locked(rec.ID, async () => {
      const cur = this.containers.store.get(rec.ID);
      const mode = cur.HostConfig.NetworkMode;
      if (mode === 'host' || network.Driver === 'host') throw badRequest('container cannot be disconnected from host network or connected to host network');
      if (mode === 'none' || network.Driver === 'null') throw badRequest('container cannot be connected to multiple networks with one of the networks in private (none) mode');
      if (mode.startsWith('container:')) throw forbidden('container sharing network namespace with another container or host cannot be connected to any other network');
      const configs = cur.NetworkingConfig?.EndpointsConfig ?? {};
      if (isModeNetwork(cur, network) || network.Name in configs) throw forbidden(`endpoint with name ${cur.Name.slice(1)} already exists in network ${network.Name}`);
      if (isAttached(cur)) {
        await this.net.connect(network.Name, cur.ID, {
          ...(settings.Aliases?.length ? { aliases: settings.Aliases } : {}),
          ...(settings.IPAMConfig?.IPv4Address ? { ipv4Address: settings.IPAMConfig.IPv4Address } : {}),
        });
      } else if (settings.Aliases?.length && network.Options['com.docker.network.bridge.default_bridge'] === 'true') {
        throw badRequest('network-scoped alias is supported only for containers in user defined networks');
      }
      cur.NetworkingConfig = { EndpointsConfig: { ...configs, [network.Name]: settings } };
      this.containers.store.save(cur);
    });
    this.events.publish('network', 'connect', network.Id, { container: rec.ID, name: network.Name, type: network.Driver });
  }

  async disconnect(networkRef: string, containerRef: string): Promise<void> {
    const network = this.net.inspect(networkRef);
    const rec = this.containers.store.get(containerRef);
    await this.containers.locked(rec.ID, async () => {
      const cur = this.containers.store.get(rec.ID);
      if (network.Driver === 'host' || cur.HostConfig.NetworkMode === 'host') throw badRequest('container cannot be disconnected from host network or connected to host network');
      const configs = { ...(cur.NetworkingConfig?.EndpointsConfig ?? {}) };
      const joined = isModeNetwork(cur, network) || network.Name in configs;
      if (isAttached(cur)) await this.net.disconnect(network.Name, cur.ID);
      else if (!joined) throw notFound(`container ${containerRef} is not connected to network ${network.Name}`);
      delete configs[network.Name];
      // The mode's network left: the next joined one becomes the mode (the last one stays the mode).
      const next = Object.keys(configs)[0];
      if (isModeNetwork(cur, network) && next) cur.HostConfig.NetworkMode = next;
      cur.NetworkingConfig = { EndpointsConfig: configs };
      this.containers.store.save(cur);
    });
    this.events.publish('network', 'disconnect', network.Id, { container: rec.ID, name: network.Name, type: network.Driver });
  }
}
