// What ctr does to the default spec for `run`/`containers create`, one step per function, in
// containerd's oci.With… order: the image's config, then the command line's overrides.
import { DEFAULT_PATH_ENV } from './default-spec.js';
import type { OciMount, OciSpec } from './spec.js';
import { resolveUser, type UserDb } from './user.js';

/** The `config` object of an OCI image config (Docker's capitalized names). */
export interface ImageRunConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  StopSignal?: string;
  Labels?: Record<string, string>;
}

function envKey(kv: string): string {
  const i = kv.indexOf('=');
  return i < 0 ? kv : kv.slice(0, i);
}

/** containerd's replaceOrAppendEnvValues: a later KEY=V replaces an earlier KEY. */
export function mergeEnv(base: readonly string[], overrides: readonly string[]): string[] {
  const out = [...base];
  for (const kv of overrides) {
    const i = out.findIndex((e) => envKey(e) === envKey(kv));
    if (i >= 0) out[i] = kv;
    else out.push(kv);
  }
  return out;
}

/** oci.WithImageConfig: Entrypoint+Cmd, Env (PATH by default), WorkingDir, User and its groups. */
export function withImageConfig(spec: OciSpec, config: ImageRunConfig, users: UserDb): void {
  const p = spec.process;
  p.env = mergeEnv(config.Env?.length ? config.Env : [DEFAULT_PATH_ENV], p.env);
  p.args = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  p.cwd = config.WorkingDir || '/';
  p.user = resolveUser(config.User || '0', users);
}

/** oci.WithProcessArgs: ctr replaces the whole command line (the entrypoint too). */
export function withProcessArgs(spec: OciSpec, args: readonly string[]): void {
  spec.process.args = [...args];
}

export function withEnv(spec: OciSpec, env: readonly string[]): void {
  spec.process.env = mergeEnv(spec.process.env, env);
}

export function withCwd(spec: OciSpec, cwd: string): void {
  spec.process.cwd = cwd;
}

export function withUser(spec: OciSpec, user: string, users: UserDb): void {
  spec.process.user = resolveUser(user, users);
}

/** oci.WithTTY. */
export function withTTY(spec: OciSpec): void {
  spec.process.terminal = true;
  spec.process.env = [...spec.process.env, 'TERM=xterm'];
}

export function withMounts(spec: OciSpec, mounts: readonly OciMount[]): void {
  spec.mounts.push(...mounts);
}

export function withMemoryLimit(spec: OciSpec, bytes: number): void {
  spec.linux.resources.memory = { ...spec.linux.resources.memory, limit: bytes };
}

/** ctr --cpus: a CFS quota of N CPUs over a 100 ms period. */
export function withCpus(spec: OciSpec, cpus: number): void {
  const period = 100_000;
  spec.linux.resources.cpu = { ...spec.linux.resources.cpu, quota: Math.round(cpus * period), period };
}
