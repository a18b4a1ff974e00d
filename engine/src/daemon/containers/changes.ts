// What `docker diff` reports for a container: its snapshot's overlay upper dir compared with the
// image's layers below it, reported as dockerd 20.10 reports it (its overlay2 driver diffs the two
// trees): a path the image lacks is Added, one it has with other content or metadata is Modified, one
// the container removed is Deleted — for a directory removed and made anew, each old entry is
// Deleted rather than the directory — and the parent of every change counts as Modified.
// Mount points the runtime creates (dockerd keeps them in a hidden init layer) are not changes.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ChangeKind = { Modified: 0, Added: 1, Deleted: 2 } as const;

export interface Change {
  Path: string;
  Kind: 0 | 1 | 2;
}

/** Reads an extended attribute: overlayfs marks opaque directories only with one. */
export type XattrReader = (file: string, name: string) => Buffer | undefined;

/** What dockerd's init layer holds, so a container never reports them as its own changes. */
const INIT_LAYER = new Set(['/dev', '/dev/pts', '/dev/shm', '/dev/console', '/proc', '/sys', '/.dockerenv', '/etc/resolv.conf', '/etc/hosts', '/etc/hostname', '/etc/mtab']);

function isWhiteout(st: fs.Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** The image's tree as overlayfs shows it: layers top-most first, with their whiteouts and opaque dirs. */
class LowerTree {
  constructor(
    private readonly layers: readonly string[],
    private readonly getxattr: XattrReader,
  ) {}

  private opaque(abs: string): boolean {
    return this.getxattr(abs, 'trusted.overlay.opaque')?.toString() === 'y';
  }

  /** The entry at `p` ('/a/b') in the merged image tree, if any. */
  stat(p: string): fs.Stats | undefined {
    const parts = p.split('/').filter(Boolean);
    for (const layer of this.layers) {
      let hiddenBelow = false;
      let dir = layer;
      // An ancestor that is a whiteout, a non-directory or opaque in this layer hides every layer below.
      for (const part of parts.slice(0, -1)) {
        dir = path.join(dir, part);
        const st = lstatOrUndefined(dir);
        if (!st) break;
        if (!st.isDirectory() || isWhiteout(st)) return undefined;
        if (this.opaque(dir)) hiddenBelow = true;
      }
      const st = lstatOrUndefined(path.join(layer, p));
      if (st) return isWhiteout(st) ? undefined : st;
      if (hiddenBelow) return undefined;
    }
    return undefined;
  }

  /** The names in directory `p` of the merged image tree. */
  list(p: string): string[] {
    const names = new Set<string>();
    const hidden = new Set<string>();
    for (const layer of this.layers) {
      const abs = path.join(layer, p);
      const st = lstatOrUndefined(abs);
      if (!st) continue;
      if (!st.isDirectory()) break;
      for (const name of fs.readdirSync(abs)) {
        if (names.has(name) || hidden.has(name)) continue;
        const child = lstatOrUndefined(path.join(abs, name));
        if (child && isWhiteout(child)) hidden.add(name);
        else names.add(name);
      }
      if (this.opaque(abs)) break;
    }
    return [...names].sort();
  }
}

function sameMeta(a: fs.Stats, b: fs.Stats): boolean {
  return a.mode === b.mode && a.uid === b.uid && a.gid === b.gid;
}

/** dockerd's test: a directory's size and times never count, a file's do. */
function sameEntry(a: fs.Stats, b: fs.Stats): boolean {
  if (!sameMeta(a, b) || a.rdev !== b.rdev) return false;
  return a.isDirectory() || (a.size === b.size && a.mtimeMs === b.mtimeMs);
}

/** The changes, parents before children, in dockerd's `/containers/{id}/changes` form. */
export function overlayChanges(upper: string, lowers: readonly string[], getxattr: XattrReader): Change[] {
  const below = new LowerTree(lowers, getxattr);
  /**
   * Changes beneath directory `rel`. Under an opaque directory the image's entries are hidden, so
   * every one the upper dir does not have again was deleted.
   */
  const walkDir = (rel: string, hidesImage: boolean): Change[] => {
    const out: Change[] = [];
    const dirAbs = path.join(upper, rel || '/');
    const names = fs.readdirSync(dirAbs).sort();
    const kept = new Set<string>();
    for (const name of names) {
      const p = `${rel}/${name}`;
      const abs = path.join(upper, p);
      const st = fs.lstatSync(abs);
      const old = below.stat(p);
      if (isWhiteout(st)) {
        if (old) out.push({ Path: p, Kind: ChangeKind.Deleted });
        continue;
      }
      kept.add(name);
      if (!old && INIT_LAYER.has(p) && (st.isDirectory() || st.size === 0)) {
        if (st.isDirectory()) out.push(...walkDir(p, false));
        continue;
      }
      if (!st.isDirectory()) {
        if (!old) out.push({ Path: p, Kind: ChangeKind.Added });
        else if (!sameEntry(st, old)) out.push({ Path: p, Kind: ChangeKind.Modified });
        continue;
      }
      const opaque = hidesImage || getxattr(abs, 'trusted.overlay.opaque')?.toString() === 'y';
      const inner = walkDir(p, opaque);
      if (!old) out.push({ Path: p, Kind: ChangeKind.Added }, ...inner);
      else if (!old.isDirectory() || !sameEntry(st, old) || inner.length) out.push({ Path: p, Kind: ChangeKind.Modified }, ...inner);
    }
    if (hidesImage) {
      for (const name of below.list(rel)) if (!kept.has(name)) out.push({ Path: `${rel}/${name}`, Kind: ChangeKind.Deleted });
    }
    return out;
  };
  return walkDir('', false);
}
