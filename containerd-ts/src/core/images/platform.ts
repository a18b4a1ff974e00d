// OCI platforms (os/architecture/variant): the host's, parsing `linux/arm64/v8`, and matching.
import { invalidArgument } from '../errdefs.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };

export function hostPlatform(): Platform {
  const architecture = ARCH[process.arch] ?? process.arch;
  const p: Platform = { os: process.platform, architecture };
  if (architecture === 'arm64') p.variant = 'v8';
  if (architecture === 'arm') p.variant = 'v7';
  return p;
}

/** Parses `os[/arch[/variant]]` or a bare architecture (then os is linux). */
export function parsePlatform(s: string): Platform {
  const parts = s.toLowerCase().split('/');
  if (parts.some((p) => !/^[a-z0-9_.-]+$/.test(p)) || parts.length > 3) throw invalidArgument(`invalid platform ${JSON.stringify(s)}`);
  const [a, b, c] = parts as [string, string?, string?];
  const p: Platform = b === undefined ? { os: 'linux', architecture: ARCH[a] ?? a } : { os: a, architecture: ARCH[b] ?? b };
  if (c !== undefined) p.variant = c;
  if (p.architecture === 'aarch64') p.architecture = 'arm64';
  if (p.architecture === 'x86_64') p.architecture = 'amd64';
  return p;
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter((x) => x).join('/');
}

function normalVariant(p: Platform): string {
  if (p.architecture === 'arm64' && (p.variant === undefined || p.variant === '' || p.variant === 'v8')) return 'v8';
  return p.variant ?? '';
}

/** Does an image for `candidate` run on `want`? Exact os/arch; arm variants must not be newer. */
export function platformMatches(want: Platform, candidate: Platform): boolean {
  if (want.os !== candidate.os || want.architecture !== candidate.architecture) return false;
  const w = normalVariant(want);
  const c = normalVariant(candidate);
  if (w === c || c === '') return true;
  if (want.architecture === 'arm' && /^v\d$/.test(w) && /^v\d$/.test(c)) return c <= w;
  return false;
}
