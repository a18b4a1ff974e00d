// A CRI container's Linux security context applied to its OCI spec, as containerd 1.6's CRI does:
// user (run_as_user / run_as_username / image USER, resolved in the image's /etc/passwd and
// /etc/group), supplemental groups, capabilities, privileged, no_new_privs, masked and read-only
// paths, seccomp (unconfined unless asked, RuntimeDefault, Localhost), AppArmor and SELinux (on a host
// without them: nothing to apply, and a specific AppArmor profile is refused, as containerd does).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Code, GrpcError } from '@stack/proto';
import { SecurityProfile_ProfileType, SupplementalGroupsPolicy, type LinuxContainerSecurityContext, type SecurityProfile } from '@stack/proto/gen/runtime/v1/api_pb';
import type { OciSpec } from '../client/oci/spec.js';
import { resolveDefaultSeccomp } from '../contrib/seccomp/resolve.js';
import { invalidArgument } from '../core/errdefs.js';
import { hostPlatform } from '../core/images/platform.js';
import { hostCapabilities, tweakCapabilities } from './capabilities.js';
import { hostDevices } from './host-devices.js';
import { resolveUser } from './image-user.js';

export interface SecurityInput {
  sc: LinuxContainerSecurityContext | undefined;
  /** The pod is privileged (a privileged container needs a privileged pod). */
  podPrivileged: boolean;
  /** The container's rootfs layers, top first (for user and group names). */
  layers: readonly string[];
  /** The image's USER ("" for root). */
  imageUser: string;
}

const WHAT = 'CreateContainer';

/** A SecurityProfile or its deprecated string form as one string: '', 'runtime/default', 'unconfined', 'localhost/<ref>'. */
function profileString(p: SecurityProfile | undefined, legacy: string): string {
  if (!p) return legacy;
  switch (p.profileType) {
    case SecurityProfile_ProfileType.RuntimeDefault:
      return 'runtime/default';
    case SecurityProfile_ProfileType.Unconfined:
      return 'unconfined';
    default:
      return `localhost/${p.localhostRef}`;
  }
}

export function apparmorEnabled(): boolean {
  try {
    return fs.readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
  } catch {
    return false;
  }
}

function selinuxEnabled(): boolean {
  return fs.existsSync('/sys/fs/selinux/enforce');
}

/** The seccomp profile a Localhost reference names: an OCI linux.seccomp JSON file on the host. */
function localhostSeccomp(ref: string): unknown {
  if (!path.isAbsolute(ref)) throw invalidArgument(`${WHAT}: seccomp localhost profile ${JSON.stringify(ref)} must be an absolute path on the host`);
  let text: string;
  try {
    text = fs.readFileSync(ref, 'utf8');
  } catch (err) {
    throw invalidArgument(`${WHAT}: seccomp localhost profile ${ref}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let profile: unknown;
  try {
    profile = JSON.parse(text);
  } catch (err) {
    throw invalidArgument(`${WHAT}: seccomp localhost profile ${ref} is not JSON: ${(err as Error).message}`);
  }
  if (typeof profile !== 'object' || profile === null || typeof (profile as { defaultAction?: unknown }).defaultAction !== 'string') {
    throw invalidArgument(`${WHAT}: seccomp localhost profile ${ref} is not an OCI seccomp profile (no defaultAction)`);
  }
  return profile;
}

/** "u[:g]" of an image's USER, each part a name or a number. */
function imageUserParts(user: string): { user: { uid?: number; name?: string }; group: { gid?: number; name?: string } } {
  const [u = '', g] = user.split(':');
  const part = (s: string, num: 'uid' | 'gid') => (/^\d+$/.test(s) ? { [num]: Number(s) } : s === '' ? {} : { name: s });
  return { user: part(u, 'uid'), group: g === undefined ? {} : part(g, 'gid') };
}

export function applySecurityContext(spec: OciSpec, i: SecurityInput): void {
  const sc = i.sc;
  if (sc?.privileged && !i.podPrivileged) throw invalidArgument(`${WHAT}: no privileged container allowed in sandbox (the pod is not privileged)`);
  if (sc?.runAsGroup && !sc.runAsUser && !sc.runAsUsername) throw invalidArgument(`${WHAT}: run_as_group is set without run_as_user or run_as_username`);
  if (sc?.capabilities?.addAmbientCapabilities.length) {
    throw new GrpcError(Code.UNIMPLEMENTED, `${WHAT}: ambient capabilities are not supported`);
  }
  if (sc?.selinuxOptions && (sc.selinuxOptions.user || sc.selinuxOptions.role || sc.selinuxOptions.type || sc.selinuxOptions.level) && selinuxEnabled()) {
    throw new GrpcError(Code.UNIMPLEMENTED, `${WHAT}: SELinux labels are not supported by containerd-ts`);
  }
  // (On a host without SELinux, containerd ignores selinux_options: so does this.)

  // User and groups.
  const gid = sc?.runAsGroup ? { gid: Number(sc.runAsGroup.value) } : {};
  const who = sc?.runAsUser ? { user: { uid: Number(sc.runAsUser.value) }, group: gid } : sc?.runAsUsername ? { user: { name: sc.runAsUsername }, group: gid } : imageUserParts(i.imageUser);
  const u = resolveUser(i.layers, who.user, who.group);
  const strict = sc?.supplementalGroupsPolicy === SupplementalGroupsPolicy.Strict;
  const extra = [...(strict ? [] : u.additionalGids), ...(sc?.supplementalGroups ?? []).map(Number)];
  spec.process.user = { uid: u.uid, gid: u.gid, ...(extra.length ? { additionalGids: [...new Set(extra)] } : {}) };

  // Capabilities.
  const caps = sc?.privileged
    ? hostCapabilities()
    : tweakCapabilities(spec.process.capabilities?.bounding ?? [], sc?.capabilities?.addCapabilities ?? [], sc?.capabilities?.dropCapabilities ?? []);
  spec.process.capabilities = { bounding: [...caps], effective: [...caps], permitted: [...caps] };
  spec.process.noNewPrivileges = sc?.noNewPrivs === true;

  if (sc?.privileged) {
    // containerd's WithPrivileged + WithHostDevices + WithAllDevicesAllowed: every capability, /sys
    // and the cgroup writable, no masked or read-only /proc paths, every host device.
    spec.linux.maskedPaths = [];
    spec.linux.readonlyPaths = [];
    spec.mounts = spec.mounts.map((m) => (m.type === 'sysfs' || m.type === 'cgroup' ? { ...m, options: (m.options ?? []).filter((o) => o !== 'ro').concat('rw') } : m));
    spec.linux.devices = hostDevices();
    spec.linux.resources = { ...spec.linux.resources, devices: [{ allow: true, access: 'rwm' }] };
  } else {
    if (sc?.maskedPaths.length) spec.linux.maskedPaths = [...sc.maskedPaths];
    if (sc?.readonlyPaths.length) spec.linux.readonlyPaths = [...sc.readonlyPaths];
    for (const p of [...(spec.linux.maskedPaths ?? []), ...(spec.linux.readonlyPaths ?? [])]) if (!path.isAbsolute(p)) throw invalidArgument(`${WHAT}: masked/readonly path ${JSON.stringify(p)} must be absolute`);
  }

  // Seccomp: containerd's default for an unset profile is unconfined; privileged is always unconfined.
  const seccomp = profileString(sc?.seccomp, sc?.seccompProfilePath ?? '');
  if (!sc?.privileged) {
    if (seccomp === 'runtime/default' || seccomp === 'docker/default') {
      const arch = hostPlatform().architecture;
      spec.linux.seccomp = resolveDefaultSeccomp(caps, arch);
    } else if (seccomp.startsWith('localhost/')) spec.linux.seccomp = localhostSeccomp(seccomp.slice('localhost/'.length));
    else if (seccomp !== '' && seccomp !== 'unconfined') throw invalidArgument(`${WHAT}: unknown seccomp profile ${JSON.stringify(seccomp)}`);
  }

  // AppArmor.
  const apparmor = profileString(sc?.apparmor, sc?.apparmorProfile ?? '');
  if (!apparmorEnabled()) {
    if (apparmor !== '' && apparmor !== 'unconfined') throw invalidArgument(`${WHAT}: apparmor is not supported on this host (profile ${JSON.stringify(apparmor)})`);
  } else if (!sc?.privileged && apparmor !== '' && apparmor !== 'unconfined') {
    if (!apparmor.startsWith('localhost/')) throw new GrpcError(Code.UNIMPLEMENTED, `${WHAT}: AppArmor profile ${JSON.stringify(apparmor)}: containerd-ts loads no default profile; name a loaded one (localhost/<name>)`);
    spec.process.apparmorProfile = apparmor.slice('localhost/'.length);
  }
}
