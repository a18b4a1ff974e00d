// Resolves the default seccomp profile (Docker's; containerd's CRI uses the same as RuntimeDefault) for one
// container: keeps the rules whose conditions hold for the container's capabilities, the host's
// architecture and kernel, and drops the conditions. Shared with the engine (@stack/containerd-ts/seccomp).
import * as os from 'node:os';
import { ARCH_MAP, DEFAULT_PROFILE, type Condition, type ProfileArg } from './default-profile.js';

export interface OciSeccompRule {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: ProfileArg[];
}

export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet: number;
  architectures: string[];
  syscalls: OciSeccompRule[];
}

function kernelAtLeast(kernel: string, min: string): boolean {
  const k = kernel.split(/[.-]/).map((x) => Number.parseInt(x, 10));
  const m = min.split('.').map(Number);
  for (let i = 0; i < m.length; i++) {
    const a = k[i] ?? 0;
    const b = m[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

function holds(c: Condition | undefined, caps: ReadonlySet<string>, arch: string, kernel: string, mode: 'include' | 'exclude'): boolean {
  if (!c) return mode === 'include';
  const checks: boolean[] = [];
  if (c.caps) checks.push(mode === 'include' ? c.caps.every((x) => caps.has(x)) : c.caps.some((x) => caps.has(x)));
  if (c.arches) checks.push(c.arches.includes(arch));
  if (c.minKernel) checks.push(kernelAtLeast(kernel, c.minKernel));
  return mode === 'include' ? checks.every(Boolean) : checks.some(Boolean);
}

export function resolveDefaultSeccomp(capabilities: readonly string[], arch: string, kernel = os.release()): OciSeccomp {
  const caps = new Set(capabilities);
  const a = ARCH_MAP[arch];
  return {
    defaultAction: DEFAULT_PROFILE.defaultAction,
    defaultErrnoRet: DEFAULT_PROFILE.defaultErrnoRet,
    architectures: a ? [a.arch, ...a.subArchitectures] : [],
    syscalls: DEFAULT_PROFILE.rules
      .filter((r) => holds(r.includes, caps, arch, kernel, 'include') && !holds(r.excludes, caps, arch, kernel, 'exclude'))
      .map((r) => ({ names: [...r.names], action: r.action, ...(r.errnoRet !== undefined ? { errnoRet: r.errnoRet } : {}), ...(r.args ? { args: r.args.map((x) => ({ ...x })) } : {}) })),
  };
}
