// Users and groups of a container's image, for run_as_username, an image USER by name and a uid's
// primary and additional groups: /etc/passwd and /etc/group read from the container's snapshot layers
// (the upper directory first, then each lower, top down; a whiteout hides what is below), never
// through a symlink, so nothing outside the rootfs is read.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { invalidArgument } from '../core/errdefs.js';
import { parseGroup, parsePasswd, type PasswdEntry } from '../client/oci/user.js';

/** A file of the layered rootfs, or undefined when absent, whited out, or not a regular file. */
export function readLayeredFile(layers: readonly string[], rel: string): string | undefined {
  for (const dir of layers) {
    const p = path.join(dir, rel);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      continue;
    }
    if (st.isCharacterDevice() && st.rdev === 0) return undefined; // overlayfs whiteout
    if (!st.isFile()) return undefined;
    return fs.readFileSync(p, 'utf8');
  }
  return undefined;
}

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

/**
 * containerd's rules: a name must be in /etc/passwd; a uid not there runs with gid 0 (or the given
 * group); a group given by name must be in /etc/group. The user's groups in /etc/group are added.
 */
export function resolveUser(layers: readonly string[], user: { uid?: number; name?: string }, group: { gid?: number; name?: string } = {}): ResolvedUser {
  const passwd = parsePasswd(readLayeredFile(layers, 'etc/passwd') ?? '');
  const groups = parseGroup(readLayeredFile(layers, 'etc/group') ?? '');
  let entry: PasswdEntry | undefined;
  let uid: number;
  if (user.name !== undefined) {
    entry = passwd.find((p) => p.name === user.name);
    if (!entry) throw invalidArgument(`no user ${JSON.stringify(user.name)} in the image's /etc/passwd`);
    uid = entry.uid;
  } else {
    uid = user.uid ?? 0;
    entry = passwd.find((p) => p.uid === uid);
  }
  let gid = entry?.gid ?? 0;
  if (group.name !== undefined) {
    const g = groups.find((x) => x.name === group.name);
    if (!g) throw invalidArgument(`no group ${JSON.stringify(group.name)} in the image's /etc/group`);
    gid = g.gid;
  } else if (group.gid !== undefined) gid = group.gid;
  const additionalGids = entry ? groups.filter((g) => g.members.includes(entry.name) && g.gid !== gid).map((g) => g.gid) : [];
  return { uid, gid, additionalGids };
}
