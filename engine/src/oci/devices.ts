// Host devices in a container, as dockerd puts them there: `--device HOST[:CONTAINER][:PERMS]`
// (a directory brings every device below it), `--device-cgroup-rule`, and for --privileged every
// device node of the host's /dev (runc's HostDevices walk) with the cgroup allowing them all.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiError, badRequest } from '../daemon/http/api-error.js';
import type { OciResources } from './runtime-spec.js';
import { validPermissions, type DeviceMapping } from '../common/device-spec.js';

export type { DeviceMapping } from '../common/device-spec.js';


export interface OciDevice {
  path: string;
  type: 'c' | 'b' | 'p';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

export type DeviceRule = NonNullable<OciResources['devices']>[number];

/** Directories runc's HostDevices does not descend into. */
const SKIPPED_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** A HostConfig.Devices entry checked at create (what the API cannot take at all). */
export function checkDeviceMapping(d: unknown): DeviceMapping {
  const m = d as Partial<DeviceMapping> | null;
  if (!m || typeof m !== 'object' || typeof m.PathOnHost !== 'string' || !m.PathOnHost) throw badRequest('invalid device mapping: PathOnHost is required');
  const inContainer = typeof m.PathInContainer === 'string' && m.PathInContainer ? m.PathInContainer : m.PathOnHost;
  if (!inContainer.startsWith('/')) throw badRequest(`invalid device mapping: ${inContainer}: the path in the container must be absolute`);
  const perms = typeof m.CgroupPermissions === 'string' && m.CgroupPermissions ? m.CgroupPermissions : 'rwm';
  if (!validPermissions(perms)) throw badRequest(`invalid device mapping: ${m.PathOnHost}: cgroup permissions "${perms}" are not a combination of r, w and m`);
  return { PathOnHost: m.PathOnHost, PathInContainer: path.posix.normalize(inContainer), CgroupPermissions: perms };
}

/** `c 1:3 rwm`, `b *:* m` (docker's --device-cgroup-rule). */
export function parseCgroupRule(rule: string): DeviceRule {
  const m = /^([abc]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(rule.trim());
  if (!m || !validPermissions(m[4]!)) throw badRequest(`invalid device cgroup format '${rule}'`);
  const num = (s: string) => (s === '*' ? -1 : Number(s));
  return { allow: true, type: m[1]!, major: num(m[2]!), minor: num(m[3]!), access: m[4]! };
}

/** The device node at `hostPath`, or null when it is not one. */
function nodeAt(hostPath: string, containerPath: string): OciDevice | null {
  const st = fs.statSync(hostPath);
  const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : st.isFIFO() ? 'p' : null;
  if (!type) return null;
  const rdev = st.rdev;
  // Linux's dev_t: major in bits 8-19 and 32-43, minor in bits 0-7 and 20-39.
  const major = Number((BigInt(rdev) >> 8n) & 0xfffn) | Number((BigInt(rdev) >> 32n) & ~0xfffn);
  const minor = Number(BigInt(rdev) & 0xffn) | Number((BigInt(rdev) >> 12n) & ~0xffn);
  return { path: containerPath, type, major, minor, fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
}

/**
 * One --device resolved on the host at start: its node(s) and cgroup rules. A missing path fails
 * with dockerd's message (status 500, as dockerd answers at start).
 */
export function resolveDeviceMapping(m: DeviceMapping): { devices: OciDevice[]; rules: DeviceRule[] } {
  let st: fs.Stats;
  try {
    st = fs.statSync(m.PathOnHost);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ApiError(500, `error gathering device information while adding custom device ${JSON.stringify(m.PathOnHost)}: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  const devices: OciDevice[] = [];
  if (st.isDirectory()) {
    for (const d of walkDevices(m.PathOnHost, false)) devices.push({ ...d, path: path.posix.join(m.PathInContainer, path.relative(m.PathOnHost, d.path)) });
  } else {
    const d = nodeAt(m.PathOnHost, m.PathInContainer);
    if (!d) throw new ApiError(500, `error gathering device information while adding custom device ${JSON.stringify(m.PathOnHost)}: not a device node`);
    devices.push(d);
  }
  return { devices, rules: devices.map((d) => ({ allow: true, type: d.type, major: d.major, minor: d.minor, access: m.CgroupPermissions })) };
}

function walkDevices(dir: string, skip: boolean): OciDevice[] {
  const out: OciDevice[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!(skip && SKIPPED_DIRS.has(e.name))) out.push(...walkDevices(p, skip));
      continue;
    }
    if (!e.isCharacterDevice() && !e.isBlockDevice()) continue;
    if (skip && p === '/dev/console') continue;
    try {
      const d = nodeAt(p, p);
      if (d) out.push(d);
    } catch {
      // a node that went away while walking
    }
  }
  return out;
}

/** Every device node of the host's /dev, for --privileged. */
export function hostDevices(): OciDevice[] {
  return walkDevices('/dev', true);
}

/** Everything a container's HostConfig asks of devices, resolved on the host now (at start). */
export function containerDevices(h: { Privileged: boolean; Devices?: readonly DeviceMapping[] | null; DeviceCgroupRules?: readonly string[] | null }): { devices: OciDevice[]; rules: DeviceRule[] } {
  const devices: OciDevice[] = h.Privileged ? hostDevices() : [];
  const rules: DeviceRule[] = [];
  for (const m of h.Devices ?? []) {
    const r = resolveDeviceMapping(m);
    // A --device path wins over the same path from the privileged walk.
    for (const d of r.devices) {
      const i = devices.findIndex((x) => x.path === d.path);
      if (i >= 0) devices.splice(i, 1);
      devices.push(d);
    }
    rules.push(...r.rules);
  }
  for (const r of h.DeviceCgroupRules ?? []) rules.push(parseCgroupRule(r));
  return { devices, rules };
}
