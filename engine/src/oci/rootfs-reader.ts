// Reads a file from a container's root filesystem without mounting it: the snapshot's mounts name
// the overlay layers (upperdir, then lowerdirs top to bottom), and the topmost copy wins; an overlay
// whiteout (a 0/0 character device) or an opaque parent hides what is below.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SnapshotMount {
  type: string;
  source: string;
  options: string[];
}

/** The directories of a root filesystem, topmost first. */
export function layerDirs(mounts: readonly SnapshotMount[]): string[] {
  const m = mounts[0];
  if (!m) return [];
  if (m.type === 'bind' || m.type === 'rbind') return [m.source];
  const opt = (k: string) => m.options.find((o) => o.startsWith(`${k}=`))?.slice(k.length + 1);
  const dirs: string[] = [];
  const upper = opt('upperdir');
  if (upper) dirs.push(upper);
  dirs.push(...(opt('lowerdir')?.split(':') ?? []));
  return dirs;
}

export function readRootfsFile(mounts: readonly SnapshotMount[], file: string): Buffer | undefined {
  const rel = path.normalize(file).replace(/^\/+/, '');
  for (const dir of layerDirs(mounts)) {
    const p = path.join(dir, rel);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      continue;
    }
    if (st.isCharacterDevice() && st.rdev === 0) return undefined;
    if (st.isFile()) return fs.readFileSync(p);
    return undefined;
  }
  return undefined;
}
