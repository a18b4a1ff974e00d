// The host platform in OCI terms, to pick a manifest out of an index.
import type { Descriptor } from './image-types.js';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export const HOST_OS = 'linux';
export const HOST_ARCH = ARCH[process.arch] ?? process.arch;

export function pickManifest(manifests: readonly Descriptor[]): Descriptor | undefined {
  const linux = manifests.filter((m) => !m.platform || m.platform.os === HOST_OS);
  return linux.find((m) => m.platform?.architecture === HOST_ARCH) ?? linux.find((m) => !m.platform);
}
