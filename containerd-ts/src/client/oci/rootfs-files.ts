// Reads a file of a container's root filesystem straight from its snapshot's directories, without
// mounting it: containerd's client mounts the rootfs to read /etc/passwd; ctr-ts runs on the
// daemon's host too, so it looks through the overlay layers itself (upper first, then each lower,
// stopping at a whiteout).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseGroup, parsePasswd, type UserDb } from './user.js';

export interface RootfsMount {
  type: string;
  source: string;
  options: string[];
}

function layerDirs(mounts: readonly RootfsMount[]): string[] {
  const m = mounts[0];
  if (!m || mounts.length !== 1) return [];
  if (m.type === 'bind' || m.options.includes('bind') || m.options.includes('rbind')) return [m.source];
  if (m.type !== 'overlay') return [];
  const opt = (k: string) => m.options.find((o) => o.startsWith(`${k}=`))?.slice(k.length + 1);
  return [...(opt('upperdir') ? [opt('upperdir') as string] : []), ...(opt('lowerdir')?.split(':') ?? [])];
}

/** A character device 0/0 is how overlayfs marks a deleted path. */
function isWhiteout(st: fs.Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

/** The file's bytes as the container would see them, or undefined when it has none (or it cannot tell). */
export function readRootfsFile(mounts: readonly RootfsMount[], file: string): Buffer | undefined {
  const parts = file.split('/').filter(Boolean);
  for (const dir of layerDirs(mounts)) {
    let p = dir;
    for (let i = 0; i < parts.length; i++) {
      p = path.join(p, parts[i] as string);
      const st = fs.lstatSync(p, { throwIfNoEntry: false });
      if (!st) break;
      if (isWhiteout(st)) return undefined;
      if (i === parts.length - 1) return st.isFile() ? fs.readFileSync(p) : undefined;
      if (!st.isDirectory()) return undefined;
    }
  }
  return undefined;
}

/** The image's /etc/passwd and /etc/group, read on first use. */
export function rootfsUserDb(mounts: readonly RootfsMount[]): UserDb {
  let passwd: ReturnType<UserDb['passwd']> | undefined;
  let group: ReturnType<UserDb['group']> | undefined;
  return {
    passwd: () => (passwd ??= parsePasswd(readRootfsFile(mounts, 'etc/passwd')?.toString('utf8') ?? '')),
    group: () => (group ??= parseGroup(readRootfsFile(mounts, 'etc/group')?.toString('utf8') ?? '')),
  };
}
