// -u / the image's User → numeric uid, gid and supplementary groups, looked up in the container's
// /etc/passwd and /etc/group as Docker does (names need those files; numbers do not).
import { ApiError, badRequest } from '../daemon/http/api-error.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

function parsePasswd(text: string | undefined): PasswdEntry[] {
  return (text ?? '')
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 7 && f[0])
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! }));
}

function parseGroups(text: string | undefined): Array<{ name: string; gid: number; members: string[] }> {
  return (text ?? '')
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 4 && f[0])
    .map((f) => ({ name: f[0]!, gid: Number(f[2]), members: f[3]!.split(',').filter(Boolean) }));
}

const NUM = /^\d+$/;

/**
 * `groupAdd` (--group-add) names or numbers are added to the supplementary groups; as with dockerd
 * these start with the primary group, then the groups listing the user.
 */
export function resolveUser(spec: string, passwd: string | undefined, group: string | undefined, groupAdd: readonly string[] = []): ResolvedUser {
  const [userPart = '', groupPart] = spec.split(':', 2);
  const users = parsePasswd(passwd);
  const groups = parseGroups(group);
  let uid = 0;
  let gid = 0;
  let home = '/';
  let name: string | undefined;
  if (userPart === '') {
    const root = users.find((u) => u.uid === 0);
    name = root?.name ?? 'root';
    home = root?.home ?? '/root';
  } else if (NUM.test(userPart)) {
    uid = Number(userPart);
    const u = users.find((x) => x.uid === uid);
    gid = u?.gid ?? 0;
    home = u?.home ?? '/';
    name = u?.name;
  } else {
    const u = users.find((x) => x.name === userPart);
    if (!u) throw badRequest(`unable to find user ${userPart}: no matching entries in passwd file`);
    ({ uid, gid, home } = u);
    name = u.name;
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (NUM.test(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g) throw badRequest(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = g.gid;
    }
  }
  const memberOf = name === undefined ? [] : groups.filter((g) => g.members.includes(name) && g.gid !== gid).map((g) => g.gid);
  const added = groupAdd.map((g) => {
    if (NUM.test(g)) return Number(g);
    const hit = groups.find((x) => x.name === g);
    // dockerd finds this out at start and answers 500.
    if (!hit) throw new ApiError(500, `Unable to find group ${g}: no matching entries in group file`);
    return hit.gid;
  });
  return { uid, gid, additionalGids: [gid, ...memberOf, ...added], home };
}
