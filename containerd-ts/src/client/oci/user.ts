// A process's user as containerd's oci.WithUser resolves it: "uid", "uid:gid", "name", "name:group"
// (names and a bare uid's group looked up in the container's /etc/passwd and /etc/group), plus
// the supplementary groups /etc/group lists the user in (oci.WithAdditionalGIDs).
import type { OciUser } from './spec.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** The container's user database; empty lists when the image has no such file. */
export interface UserDb {
  passwd(): PasswdEntry[];
  group(): GroupEntry[];
}

export const EMPTY_USER_DB: UserDb = { passwd: () => [], group: () => [] };

const ID = /^\d+$/;
const MAX_ID = 2 ** 32 - 2;

function numericId(s: string): number | undefined {
  if (!ID.test(s)) return undefined;
  const n = Number(s);
  if (n > MAX_ID) throw new Error(`invalid user ${JSON.stringify(s)}: id out of range`);
  return n;
}

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#') || !ID.test(f[2] ?? '') || !ID.test(f[3] ?? '')) continue;
    out.push({ name: f[0] ?? '', uid: Number(f[2]), gid: Number(f[3]) });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || line.startsWith('#') || !ID.test(f[2] ?? '')) continue;
    out.push({ name: f[0] ?? '', gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) });
  }
  return out;
}

/** Checks the form of a --user value (UID[:GID] or names) before anything is created. */
export function checkUserSpec(spec: string): void {
  const parts = spec.split(':');
  if (parts.length > 2 || parts.some((p) => p === '' || /\s/.test(p))) throw new Error(`invalid user ${JSON.stringify(spec)}: want UID[:GID] or NAME[:GROUP]`);
  for (const p of parts) numericId(p);
}

export function resolveUser(spec: string, db: UserDb): OciUser {
  checkUserSpec(spec);
  const [u, g] = spec.split(':') as [string, string | undefined];
  const uidNum = numericId(u);
  let entry: PasswdEntry | undefined;
  if (uidNum === undefined) {
    entry = db.passwd().find((e) => e.name === u);
    if (!entry) throw new Error(`unable to find user ${u}: no matching entries in the image's /etc/passwd`);
  } else if (g === undefined) {
    entry = db.passwd().find((e) => e.uid === uidNum);
  }
  const uid = uidNum ?? (entry as PasswdEntry).uid;
  let gid: number;
  if (g === undefined) gid = entry?.gid ?? 0;
  else {
    const gidNum = numericId(g);
    if (gidNum !== undefined) gid = gidNum;
    else {
      const ge = db.group().find((e) => e.name === g);
      if (!ge) throw new Error(`unable to find group ${g}: no matching entries in the image's /etc/group`);
      gid = ge.gid;
    }
  }
  // Supplementary groups: those that list the user by name, but for one named as the user (a uid
  // without a passwd entry has none); then the primary gid first, as containerd 1.6.18+ does since
  // CVE-2023-25173 (its ensureAdditionalGids).
  const name = entry?.name ?? db.passwd().find((e) => e.uid === uid)?.name;
  const member = name === undefined ? [] : db.group().filter((e) => e.name !== name && e.members.includes(name)).map((e) => e.gid);
  const additionalGids = [...new Set(member.includes(gid) ? member : [gid, ...member])];
  return { uid, gid, additionalGids };
}
