import { FIXED_MTIME } from './layer.js';
import { hostArchitecture } from './platform.js';

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The runtime defaults of an image (the `config` object of the OCI image config). */
export interface ImageConfigSpec {
  cmd?: string[];
  entrypoint?: string[];
  /** `KEY=value` strings; a PATH is added when none is given. */
  env?: string[];
  workingDir?: string;
  /** `uid`, `uid:gid`, `name` or `name:group`. */
  user?: string;
  labels?: Record<string, string>;
  /** e.g. `80/tcp`. */
  exposedPorts?: string[];
  volumes?: string[];
  stopSignal?: string;
  /** Defaults to the host's. */
  architecture?: string;
  os?: string;
}

/** The OCI image config document (application/vnd.oci.image.config.v1+json). */
export interface OciImageConfig {
  created: string;
  architecture: string;
  os: string;
  config: {
    Env: string[];
    Cmd?: string[];
    Entrypoint?: string[];
    WorkingDir?: string;
    User?: string;
    Labels?: Record<string, string>;
    ExposedPorts?: Record<string, Record<string, never>>;
    Volumes?: Record<string, Record<string, never>>;
    StopSignal?: string;
  };
  rootfs: { type: 'layers'; diff_ids: string[] };
  history: { created: string; created_by: string; empty_layer?: boolean }[];
}

export function imageConfig(spec: ImageConfigSpec, diffIds: readonly string[], createdBy: readonly string[]): OciImageConfig {
  const created = FIXED_MTIME.toISOString().replace('.000Z', 'Z');
  const env = [...(spec.env ?? [])];
  if (!env.some((e) => e.startsWith('PATH='))) env.unshift(DEFAULT_PATH);
  const asSet = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, {}])) as Record<string, Record<string, never>>;
  return {
    created,
    architecture: spec.architecture ?? hostArchitecture(),
    os: spec.os ?? 'linux',
    config: {
      Env: env,
      ...(spec.cmd ? { Cmd: [...spec.cmd] } : {}),
      ...(spec.entrypoint ? { Entrypoint: [...spec.entrypoint] } : {}),
      ...(spec.workingDir !== undefined ? { WorkingDir: spec.workingDir } : {}),
      ...(spec.user !== undefined ? { User: spec.user } : {}),
      ...(spec.labels ? { Labels: { ...spec.labels } } : {}),
      ...(spec.exposedPorts ? { ExposedPorts: asSet(spec.exposedPorts) } : {}),
      ...(spec.volumes ? { Volumes: asSet(spec.volumes) } : {}),
      ...(spec.stopSignal !== undefined ? { StopSignal: spec.stopSignal } : {}),
    },
    rootfs: { type: 'layers', diff_ids: [...diffIds] },
    history: createdBy.map((text) => ({ created, created_by: text })),
  };
}
