// The internal container config: config.json validated once, with every default applied, so the
// rest of runc-ts never re-reads raw JSON or guesses (runc's specconv). Plain JSON: it is stored in
// state.json and read back by later commands.

export type NamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup' | 'time';

export interface NamespaceConfig {
  type: NamespaceType;
  /** Join this namespace (a /proc/PID/ns/… path) instead of creating one. */
  path?: string;
}

export interface IdMap {
  containerID: number;
  hostID: number;
  size: number;
}

export interface CapabilitySets {
  bounding: string[];
  effective: string[];
  inheritable: string[];
  permitted: string[];
  ambient: string[];
}

export interface RlimitConfig {
  name: string;
  resource: number;
  /** Decimal strings: values reach 2^64-1 (unlimited), beyond a JSON number's precision. */
  soft: string;
  hard: string;
}

export interface ProcessConfig {
  args: string[];
  env: string[];
  cwd: string;
  terminal: boolean;
  consoleSize?: { height: number; width: number };
  user: { uid: number; gid: number; umask: number; additionalGids: number[] };
  capabilities: CapabilitySets;
  rlimits: RlimitConfig[];
  noNewPrivileges: boolean;
  oomScoreAdj?: number;
}

export interface MountConfig {
  destination: string;
  /** For binds, an absolute host path (relative sources are resolved against the bundle). */
  source: string;
  type: string;
  bind: boolean;
  /** MS_* flags for the mount call (for binds, applied by a remount after the bind). */
  flags: number;
  /** Propagation changes applied after mounting (MS_PRIVATE, MS_SLAVE|MS_REC, …). */
  propagation: number[];
  /** Filesystem-specific options, joined with commas. */
  data: string;
  /** MOUNT_ATTR_* set/cleared recursively after mounting (rro, rnosuid, …); absent for none. */
  recAttrSet?: number;
  recAttrClr?: number;
}

export interface DeviceConfig {
  path: string;
  type: 'c' | 'b' | 'u' | 'p';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

export interface DeviceRule {
  allow: boolean;
  type: 'a' | 'c' | 'b';
  major: number | null;
  minor: number | null;
  access: string;
}

export interface WeightDevice {
  major: number;
  minor: number;
  weight?: number;
  leafWeight?: number;
}

export interface ThrottleDevice {
  major: number;
  minor: number;
  /** Bytes or operations per second. */
  rate: number;
}

/** The throttle lists, by OCI field name; each is written to its own file, as runc does. */
export const THROTTLE_FIELDS = ['throttleReadBpsDevice', 'throttleWriteBpsDevice', 'throttleReadIOPSDevice', 'throttleWriteIOPSDevice'] as const;
export type ThrottleField = (typeof THROTTLE_FIELDS)[number];

export type BlockIOConfig = { weight?: number; leafWeight?: number; weightDevice?: WeightDevice[] } & { [K in ThrottleField]?: ThrottleDevice[] };

export interface ResourcesConfig {
  memory?: { limit?: number; reservation?: number; swap?: number; swappiness?: number; disableOOMKiller?: boolean };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string; realtimeRuntime?: number; realtimePeriod?: number; burst?: number; idle?: number };
  pids?: { limit: number };
  blockIO?: BlockIOConfig;
  hugepageLimits?: { pageSize: string; limit: number }[];
  unified?: Record<string, string>;
  devices: DeviceRule[];
}

export interface HookConfig {
  path: string;
  args: string[];
  env: string[];
  timeout?: number;
}

export interface HooksConfig {
  prestart: HookConfig[];
  createRuntime: HookConfig[];
  createContainer: HookConfig[];
  startContainer: HookConfig[];
  poststart: HookConfig[];
  poststop: HookConfig[];
}

export interface SeccompRule {
  names: string[];
  action: string;
  errnoRet?: number;
  args: { index: number; value: number; valueTwo: number; op: string }[];
}

export interface SeccompConfig {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures: string[];
  flags: string[];
  syscalls: SeccompRule[];
  /** Unix socket of the seccomp agent that receives the notify listener fd (SCMP_ACT_NOTIFY). */
  listenerPath?: string;
  /** Opaque string passed to the agent with the fd. */
  listenerMetadata?: string;
}

export interface ContainerConfig {
  id: string;
  ociVersion: string;
  /** Absolute path of the bundle directory. */
  bundle: string;
  /** Absolute, symlink-free path of the root filesystem. */
  rootfs: string;
  readonlyRootfs: boolean;
  hostname?: string;
  domainname?: string;
  process: ProcessConfig;
  mounts: MountConfig[];
  namespaces: NamespaceConfig[];
  uidMappings: IdMap[];
  gidMappings: IdMap[];
  devices: DeviceConfig[];
  maskedPaths: string[];
  readonlyPaths: string[];
  /** MS_* propagation for the container's / (default MS_SLAVE|MS_REC as runc). */
  rootfsPropagation: number;
  sysctl: Record<string, string>;
  cgroupsPath: string;
  resources: ResourcesConfig;
  hooks: HooksConfig;
  seccomp?: SeccompConfig;
  annotations: Record<string, string>;
}

export function hasNamespace(c: ContainerConfig, type: NamespaceType): boolean {
  return c.namespaces.some((n) => n.type === type);
}

/** True when the container creates its own namespace of this type (rather than joining one). */
export function createsNamespace(c: ContainerConfig, type: NamespaceType): boolean {
  return c.namespaces.some((n) => n.type === type && n.path === undefined);
}
