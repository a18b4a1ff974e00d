// `--device HOST[:CONTAINER][:PERMISSIONS]` as docker's client reads it; shared by the CLI and the
// daemon (which resolves the nodes, oci/devices.ts).
export interface DeviceMapping {
  PathOnHost: string;
  PathInContainer: string;
  CgroupPermissions: string;
}

const PERMISSIONS = /^[rwm]{1,3}$/;

/** r, w and m, each at most once. */
export function validPermissions(p: string): boolean {
  return PERMISSIONS.test(p) && new Set(p).size === p.length;
}

/** The CLI's `--device` syntax, checked as docker's client checks it. */
export function parseDeviceSpec(spec: string): DeviceMapping {
  const parts = spec.split(':');
  let perms = 'rwm';
  let dst = '';
  if (parts.length === 3) {
    if (!validPermissions(parts[2]!)) throw new Error(`bad mode specified: ${parts[2]}`);
    perms = parts[2]!;
    dst = parts[1]!;
  } else if (parts.length === 2) {
    if (validPermissions(parts[1]!)) perms = parts[1]!;
    else dst = parts[1]!;
  } else if (parts.length !== 1) throw new Error(`invalid device specification: ${spec}`);
  const src = parts[0]!;
  if (!src.startsWith('/')) throw new Error(`invalid device specification: ${spec}: the host path must be absolute`);
  if (dst && !dst.startsWith('/')) throw new Error(`invalid device specification: ${spec}: the container path must be absolute`);
  return { PathOnHost: src, PathInContainer: dst || src, CgroupPermissions: perms };
}

