// A container as the engine keeps it: Docker's Config and HostConfig as the client sent them (with
// defaults applied), and the runtime state the engine tracks. Field names follow the Engine API.
import type { HealthConfig, HealthState } from '../containers/healthcheck.js';

export interface ContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd: string[] | null;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  Healthcheck?: HealthConfig;
}

export interface RestartPolicy {
  Name: '' | 'no' | 'always' | 'on-failure' | 'unless-stopped';
  MaximumRetryCount: number;
}

export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface MountSpec {
  Type: 'bind' | 'volume' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string> };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface LogConfig {
  Type: string;
  Config: Record<string, string>;
}

export interface HostConfig {
  Binds: string[] | null;
  Mounts?: MountSpec[];
  Tmpfs?: Record<string, string>;
  NetworkMode: string;
  PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }>>;
  RestartPolicy: RestartPolicy;
  AutoRemove: boolean;
  VolumesFrom?: string[] | null;
  Links?: string[] | null;
  GroupAdd?: string[] | null;
  OomScoreAdj?: number;
  MemorySwappiness?: number | null;
  BlkioWeight?: number;
  CpusetMems?: string;
  CgroupnsMode?: string;
  Devices?: Array<{ PathOnHost: string; PathInContainer: string; CgroupPermissions: string }> | null;
  DeviceCgroupRules?: string[] | null;
  IpcMode?: string;
  PidMode?: string;
  UTSMode?: string;
  MaskedPaths?: string[] | null;
  ReadonlyPaths?: string[] | null;
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  Dns?: string[];
  DnsOptions?: string[];
  DnsSearch?: string[];
  ExtraHosts?: string[] | null;
  Privileged: boolean;
  ReadonlyRootfs: boolean;
  SecurityOpt?: string[] | null;
  ShmSize: number;
  Init?: boolean | null;
  LogConfig: LogConfig;
  Memory: number;
  MemorySwap: number;
  MemoryReservation?: number;
  NanoCpus: number;
  CpuShares: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  PidsLimit?: number | null;
  Ulimits: Ulimit[] | null;
  OomKillDisable?: boolean;
  CgroupParent?: string;
  Sysctls?: Record<string, string>;
  PublishAllPorts?: boolean;
  [extra: string]: unknown;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerState {
  Status: ContainerStatus;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  OOMKilled: boolean;
  /** Present while a container with a health check runs (and after, as dockerd keeps it). */
  Health?: HealthState;
}

/** A mount as the container sees it (inspect's Mounts). */
export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
  /** Engine-internal: a volume created for this container (an image VOLUME or -v /path). */
  Anonymous?: boolean;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
  /** Engine-internal: a bind without its submounts (--mount bind-nonrecursive). */
  NonRecursive?: boolean;
  /** Engine-internal: rslave given by default to a bind of the daemon's root, not by the user. */
  DefaultedSlave?: boolean;
}

/** One network's settings asked for at create or connect (--network-alias, --ip). */
export interface EndpointConfig {
  Aliases?: string[] | null;
  IPAMConfig?: { IPv4Address?: string } | null;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface ContainerRecord {
  ID: string;
  /** With the leading slash, as the API shows it. */
  Name: string;
  Created: string;
  Path: string;
  Args: string[];
  Config: ContainerConfig;
  HostConfig: HostConfig;
  /** sha256:<config digest> */
  Image: string;
  State: ContainerState;
  RestartCount: number;
  HasBeenStartedBefore: boolean;
  HasBeenManuallyStopped: boolean;
  Mounts: MountPoint[];
  LogPath: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  /** The container's network namespace while it runs (none/bridge), for the network attacher. */
  NetNsPath?: string;
  /**
   * The networks the container joins, by name, beyond `HostConfig.NetworkMode` itself (which always
   * comes first): from the create request and `network connect`.
   */
  NetworkingConfig?: { EndpointsConfig?: Record<string, EndpointConfig> };
}
