// The seam between containers and networking. Before a task is created the engine asks the attacher
// for the container's network namespace (creating and wiring it if the mode needs that); after the
// task is gone it asks it to tear down. Issue 8 adds a bridge attacher (engine/src/network/) that
// plugs in here beside the none/host one.
import type { ContainerRecord } from '../state/container-record.js';

export interface EndpointSettings {
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  MacAddress: string;
  Aliases?: string[] | null;
}

export interface NetworkAttachment {
  /** A namespace path to join; undefined: the runtime makes a new one (loopback only); null: the host's. */
  netns: string | null | undefined;
  /** inspect's NetworkSettings.Networks */
  networks: Record<string, EndpointSettings>;
}

export interface NetworkAttacher {
  /** Whether this attacher serves a --network mode. */
  handles(mode: string): boolean;
  /** Checks a mode at create time (unknown networks are a 404 there, not at start). */
  validate(container: ContainerRecord): void | Promise<void>;
  attach(container: ContainerRecord): Promise<NetworkAttachment>;
  /** Undoes attach; must succeed when called twice or after a crash (no leaks). */
  detach(container: ContainerRecord): Promise<void>;
  /** After a daemon restart: what a running container is attached to (no new wiring). */
  restore?(container: ContainerRecord): Promise<NetworkAttachment>;
}

/** Resolves a container's mode to the attacher that serves it. */
export class NetworkAttachers {
  /**
   * @param defaultMode what `--network default` (or none given) means: `none` until the default
   *   bridge exists, then the bridge's name.
   */
  constructor(
    private readonly attachers: NetworkAttacher[],
    public defaultMode: string,
  ) {}

  add(a: NetworkAttacher): void {
    this.attachers.unshift(a);
  }

  for(mode: string): NetworkAttacher | undefined {
    return this.attachers.find((a) => a.handles(mode));
  }
}
