// The host platform in OCI (GOARCH) words, so images built here run here.
const ARCH_BY_NODE: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

export function hostArchitecture(): string {
  const arch = ARCH_BY_NODE[process.arch];
  if (!arch) throw new Error(`no OCI architecture name known for node arch ${process.arch}`);
  return arch;
}
