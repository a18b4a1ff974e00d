// The seam between containers and networking. Before a task is created the engine asks the attacher
// for the container's network namespace (creating and wiring it if the mode needs that); after the
// task is gone it asks it to tear down. The bridge attacher (engine/src/network/) serves bridge
// networks and container:<id>; the none/host one the rest.
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

export interface PublishedPort {
  containerPort: number;
  proto: 'tcp' | 'udp';
  /** '' for every address. */
  hostIp: string;
  hostPort: number;
}

export interface NetworkAttachment {
  /** A namespace path to join; undefined: the runtime makes a new one (loopback only); null: the host's. */
  netns: string | null | undefined;
  /** inspect's NetworkSettings.Networks */
  networks: Record<string, EndpointSettings>;
  /** The hostname to give the container when the attacher decides it (container:<id>). */
  hostname?: string;
  /** Files the attacher wrote for /etc/hosts, /etc/resolv.conf, /etc/hostname (the engine writes none then). */
  files?: { hostsPath: string; resolvConfPath: string; hostnamePath: string };
  ports?: PublishedPort[];
}

export interface AttachExtras {
  linkHosts?: ReadonlyArray<{ ip: string; names: string[] }>;
}

export interface NetworkAttacher {
  /** Whether this attacher serves a --network mode. */
  handles(mode: string): boolean;
  /** Checks a mode at create time (unknown networks are a 404 there, not at start). */
  validate(container: ContainerRecord): void | Promise<void>;
  /** `extra.linkHosts`: legacy links' /etc/hosts entries for this start (default bridge only). */
  attach(container: ContainerRecord, extra?: AttachExtras): Promise<NetworkAttachment>;
  /** Undoes attach; must succeed when called twice or after a crash (no leaks). */
  detach(container: ContainerRecord): Promise<void>;
  /** After a daemon restart: what a running container is attached to (no new wiring). */
  restore?(container: ContainerRecord): Promise<NetworkAttachment>;
  /** Once per daemon start, after the engine knows which containers still run: undo the rest. */
  recover?(live: Iterable<string>): Promise<{ problems: string[] }>;
  /** The running container's networking now (after network connect/disconnect). */
  current?(container: ContainerRecord): NetworkAttachment | undefined;
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

  /** Reconciles every attacher with the containers that still run; returns their problems. */
  async recover(live: Iterable<string>): Promise<string[]> {
    const ids = [...live];
    const problems: string[] = [];
    for (const a of this.attachers) if (a.recover) problems.push(...(await a.recover(ids)).problems);
    return problems;
  }
}
