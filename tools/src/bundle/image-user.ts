import { readFileInRoot } from './in-root-path.js';

// Turns an image config's `User` (`uid`, `uid:gid`, `name`, `name:group`) into numeric ids, the
// way Docker does: names are looked up in the rootfs's /etc/passwd and /etc/group, a user
// without a group gets the passwd entry's primary group (or 0).

export interface ResolvedUser {
  uid: number;
  gid: number;
}

export function resolveImageUser(rootfs: string, user: string | undefined): ResolvedUser {
  if (!user) return { uid: 0, gid: 0 };
  const [userPart = '', groupPart] = user.split(':', 2);
  const passwd = parseColonFile(readFileInRoot(rootfs, 'etc/passwd'));
  const entry = /^\d+$/.test(userPart) ? passwd.find((f) => f[2] === userPart) : passwd.find((f) => f[0] === userPart);
  let uid: number;
  if (/^\d+$/.test(userPart)) uid = Number(userPart);
  else if (entry?.[2] !== undefined) uid = Number(entry[2]);
  else throw new Error(`image user ${user}: no user ${userPart} in the image's /etc/passwd`);

  let gid = entry?.[3] !== undefined ? Number(entry[3]) : 0;
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const group = parseColonFile(readFileInRoot(rootfs, 'etc/group')).find((f) => f[0] === groupPart);
      if (group?.[2] === undefined) throw new Error(`image user ${user}: no group ${groupPart} in the image's /etc/group`);
      gid = Number(group[2]);
    }
  }
  return { uid, gid };
}

function parseColonFile(text: string | undefined): string[][] {
  return (text ?? '')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(':'));
}
