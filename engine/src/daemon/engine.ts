// Everything an API handler may use, built once at start-up.
import type { DaemonConfig } from './config.js';
import type { Containerd } from './containerd/client.js';
import type { ContainerManager, Logger } from './containers/container-manager.js';
import type { ExecManager } from './containers/exec-manager.js';
import type { EventBus } from './events/event-bus.js';
import type { ImageStore } from './images/image-store.js';
import type { VolumeStore } from './volumes/volume-store.js';
import type { NetworkManager } from '../network/index.js';

export interface Engine {
  id: string;
  config: DaemonConfig;
  containerd: Containerd;
  images: ImageStore;
  containers: ContainerManager;
  execs: ExecManager;
  volumes: VolumeStore;
  events: EventBus;
  net: NetworkManager;
  log: Logger;
}
