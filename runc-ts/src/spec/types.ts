// The OCI runtime-spec config.json (the parts a Linux runtime reads), as it arrives on disk.
// Everything is optional here: validate.ts checks it and convert.ts applies the defaults.

export interface Spec {
  ociVersion?: string;
  process?: Process;
  root?: { path?: string; readonly?: boolean };
  hostname?: string;
  domainname?: string;
  mounts?: Mount[];
  hooks?: Hooks;
  annotations?: Record<string, string>;
  linux?: Linux;
}

export interface Process {
  terminal?: boolean;
  consoleSize?: { height?: number; width?: number };
  user?: { uid?: number; gid?: number; umask?: number; additionalGids?: number[]; username?: string };
  args?: string[];
  commandLine?: string;
  env?: string[];
  cwd?: string;
  capabilities?: Capabilities;
  rlimits?: { type?: string; soft?: number; hard?: number }[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
  selinuxLabel?: string;
  scheduler?: unknown;
  ioPriority?: unknown;
}

export interface Capabilities {
  bounding?: string[];
  effective?: string[];
  inheritable?: string[];
  permitted?: string[];
  ambient?: string[];
}

export interface Mount {
  destination?: string;
  source?: string;
  type?: string;
  options?: string[];
  uidMappings?: IdMapping[];
  gidMappings?: IdMapping[];
}

export interface Hook {
  path?: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

export interface Hooks {
  prestart?: Hook[];
  createRuntime?: Hook[];
  createContainer?: Hook[];
  startContainer?: Hook[];
  poststart?: Hook[];
  poststop?: Hook[];
}

export interface IdMapping {
  containerID?: number;
  hostID?: number;
  size?: number;
}

export interface Namespace {
  type?: string;
  path?: string;
}

export interface Device {
  type?: string;
  path?: string;
  major?: number;
  minor?: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface DeviceCgroup {
  allow?: boolean;
  type?: string;
  major?: number | null;
  minor?: number | null;
  access?: string;
}

export interface Resources {
  devices?: DeviceCgroup[];
  memory?: {
    limit?: number;
    reservation?: number;
    swap?: number;
    kernel?: number;
    kernelTCP?: number;
    swappiness?: number;
    disableOOMKiller?: boolean;
    useHierarchy?: boolean;
    checkBeforeUpdate?: boolean;
  };
  cpu?: {
    shares?: number;
    quota?: number;
    burst?: number;
    period?: number;
    realtimeRuntime?: number;
    realtimePeriod?: number;
    cpus?: string;
    mems?: string;
    idle?: number;
  };
  pids?: { limit?: number };
  blockIO?: {
    weight?: number;
    leafWeight?: number;
    weightDevice?: { major?: number; minor?: number; weight?: number; leafWeight?: number }[];
    throttleReadBpsDevice?: { major?: number; minor?: number; rate?: number }[];
    throttleWriteBpsDevice?: { major?: number; minor?: number; rate?: number }[];
    throttleReadIOPSDevice?: { major?: number; minor?: number; rate?: number }[];
    throttleWriteIOPSDevice?: { major?: number; minor?: number; rate?: number }[];
  };
  hugepageLimits?: { pageSize?: string; limit?: number }[];
  network?: unknown;
  rdma?: unknown;
  unified?: Record<string, string>;
}

export interface Seccomp {
  defaultAction?: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: {
    names?: string[];
    action?: string;
    errnoRet?: number;
    args?: { index?: number; value?: number; valueTwo?: number; op?: string }[];
  }[];
}

export interface Linux {
  namespaces?: Namespace[];
  uidMappings?: IdMapping[];
  gidMappings?: IdMapping[];
  devices?: Device[];
  cgroupsPath?: string;
  resources?: Resources;
  rootfsPropagation?: string;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  sysctl?: Record<string, string>;
  seccomp?: Seccomp;
  mountLabel?: string;
  personality?: unknown;
  intelRdt?: unknown;
  timeOffsets?: unknown;
}
