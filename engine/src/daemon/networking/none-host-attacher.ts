// --network none (a private namespace with only a loopback, which the runtime brings up) and
// --network host (the host's namespace). Nothing to wire or tear down.
import { notFound } from '../http/api-error.js';
import type { ContainerRecord } from '../state/container-record.js';
import type { NetworkAttacher, NetworkAttachment } from './network-attacher.js';

const EMPTY = { NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '' };

export class NoneHostAttacher implements NetworkAttacher {
  handles(mode: string): boolean {
    return mode === 'none' || mode === 'host';
  }

  validate(c: ContainerRecord): void {
    if (!this.handles(c.HostConfig.NetworkMode)) throw notFound(`network ${c.HostConfig.NetworkMode} not found`);
  }

  attach(c: ContainerRecord): Promise<NetworkAttachment> {
    const host = c.HostConfig.NetworkMode === 'host';
    return Promise.resolve({ netns: host ? null : undefined, networks: { [host ? 'host' : 'none']: { ...EMPTY } } });
  }

  detach(): Promise<void> {
    return Promise.resolve();
  }

  restore(c: ContainerRecord): Promise<NetworkAttachment> {
    return this.attach(c);
  }
}
