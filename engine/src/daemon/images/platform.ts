// The host platform in OCI terms, to pick a manifest out of an index.
import type { Descriptor } from './image-types.js';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export const HOST_OS = 'linux';
export const HOST_ARCH = ARCH[process.arch] ?? process.arch;

export function pickManifest(manifests: readonly Descriptor[]): Descriptor | undefined {
  const linux = manifests.filter((m) => !m.platform || m.platform.os === HOST_OS);
  return linux.find((m) => m.platform?.architecture === HOST_ARCH) ?? linux.find((m) => !m.platform);
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'windows', 'zos']);
const KNOWN_ARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'ppc64', 'ppc64le', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm']);
const COMPONENT = /^[A-Za-z0-9_-]+$/;

function normalizeOs(os: string): string {
  const o = os.toLowerCase();
  return o === 'macos' ? 'darwin' : o;
}

function normalizeArch(arch: string, variant: string): { architecture: string; variant: string } {
  const a = arch.toLowerCase();
  const v = variant.toLowerCase();
  if (a === 'i386') return { architecture: '386', variant: '' };
  if (a === 'x86_64' || a === 'x86-64' || a === 'amd64') return { architecture: 'amd64', variant: v === 'v1' ? '' : v };
  if (a === 'aarch64' || a === 'arm64') return { architecture: 'arm64', variant: v === '8' || v === 'v8' ? '' : v };
  if (a === 'armhf') return { architecture: 'arm', variant: 'v7' };
  if (a === 'armel') return { architecture: 'arm', variant: 'v6' };
  if (a === 'arm') return { architecture: 'arm', variant: v === '' || v === '7' ? 'v7' : v === '5' || v === '6' || v === '8' ? `v${v}` : v };
  return { architecture: a, variant: v };
}

/** containerd's platforms.Parse, with its error messages: `linux`, `amd64`, `linux/arm64`, `linux/arm/v7`. */
export function parsePlatform(specifier: string): Platform {
  const invalid = (why: string) => new Error(`${JSON.stringify(specifier)}: ${why}: invalid argument`);
  if (specifier.includes('*')) throw invalid('wildcards not yet supported');
  const parts = specifier.split('/');
  for (const p of parts) {
    if (!COMPONENT.test(p)) throw new Error(`${JSON.stringify(p)} is an invalid component of ${JSON.stringify(specifier)}: platform specifier component must match "^[A-Za-z0-9_-]+$": invalid argument`);
  }
  const withVariant = (os: string, arch: string, variant: string): Platform => {
    const n = normalizeArch(arch, variant);
    return { os, architecture: n.architecture, ...(n.variant ? { variant: n.variant } : {}) };
  };
  if (parts.length === 1) {
    const one = parts[0]!;
    if (KNOWN_OS.has(normalizeOs(one))) return { os: normalizeOs(one), architecture: HOST_ARCH };
    const n = normalizeArch(one, '');
    if (KNOWN_ARCH.has(n.architecture)) return withVariant(HOST_OS, one, '');
    throw invalid('unknown operating system or architecture');
  }
  if (parts.length === 2) return withVariant(normalizeOs(parts[0]!), parts[1]!, '');
  if (parts.length === 3) return withVariant(normalizeOs(parts[0]!), parts[1]!, parts[2]!);
  throw invalid('cannot parse platform specifier');
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** Whether an image made for `image` runs as `wanted` asks (a variant counts only when both name one). */
export function platformMatches(wanted: Platform, image: Platform): boolean {
  if (normalizeOs(image.os || HOST_OS) !== wanted.os) return false;
  const img = normalizeArch(image.architecture || HOST_ARCH, image.variant ?? '');
  if (img.architecture !== wanted.architecture) return false;
  return !wanted.variant || !img.variant || wanted.variant === img.variant;
}
