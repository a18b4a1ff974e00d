// The parts of the OCI runtime spec the engine writes.
export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options?: string[];
}

export interface OciProcess {
  terminal: boolean;
  consoleSize?: { height: number; width: number };
  user: { uid: number; gid: number; additionalGids?: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities?: { bounding: string[]; effective: string[]; permitted: string[]; inheritable?: string[] };
  rlimits?: Array<{ type: string; soft: number; hard: number }>;
  noNewPrivileges?: boolean;
  oomScoreAdj?: number;
}

export interface OciResources {
  devices?: Array<{ allow: boolean; type?: string; major?: number; minor?: number; access?: string }>;
  memory?: { limit?: number; swap?: number; reservation?: number; disableOOMKiller?: boolean; swappiness?: number };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
  pids?: { limit: number };
  blockIO?: { weight: number };
}

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly: boolean };
  hostname?: string;
  mounts: OciMount[];
  linux: {
    namespaces: Array<{ type: string; path?: string }>;
    devices?: Array<{ path: string; type: string; major: number; minor: number; fileMode?: number; uid?: number; gid?: number }>;
    resources: OciResources;
    cgroupsPath: string;
    maskedPaths?: string[];
    readonlyPaths?: string[];
    seccomp?: unknown;
    sysctl?: Record<string, string>;
  };
}
