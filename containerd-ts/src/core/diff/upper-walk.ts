// The changes an overlayfs upper directory holds, in layer order: every entry of the upper dir
// (parents before children, names sorted so the same tree always gives the same layer), with
// overlayfs's own marks read back into OCI terms: a 0/0 character device deletes a lower entry,
// `trusted.overlay.opaque=y` hides a lower directory's contents.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { failedPrecondition } from '../errdefs.js';
import { lgetxattr, llistxattr } from '../sys/linux.js';
import { isOverlayWhiteout, OVERLAY_OPAQUE_XATTR } from '../unpack/whiteout.js';

export interface UpperEntry {
  /** Path relative to the layer root, '/'-separated, never empty. */
  path: string;
  /** The entry on the host. */
  abs: string;
  stat: fs.Stats;
  /** The entry deletes `path` from the layers below (an overlay whiteout). */
  whiteout: boolean;
  /** A directory whose lower contents are hidden (overlay opaque dir). */
  opaque: boolean;
  /** Extended attributes the layer carries (file capabilities, user.*), overlayfs's own left out. */
  xattrs: Map<string, Buffer>;
}

/**
 * overlayfs features whose upper dirs do not hold the whole change: a renamed directory
 * (redirect_dir) or a file whose data stays below (metacopy). A layer made from such an upper
 * would be wrong, so it is refused rather than written.
 */
const INCOMPLETE_XATTRS = ['trusted.overlay.redirect', 'trusted.overlay.metacopy'];

export function* walkUpper(upper: string, rel = ''): Generator<UpperEntry> {
  const dir = rel === '' ? upper : path.join(upper, rel);
  const names = fs.readdirSync(dir).sort();
  for (const name of names) {
    const p = rel === '' ? name : `${rel}/${name}`;
    const abs = path.join(upper, p);
    const stat = fs.lstatSync(abs);
    for (const x of INCOMPLETE_XATTRS) {
      if (!stat.isSymbolicLink() && lgetxattr(abs, x) !== undefined) throw failedPrecondition(`cannot diff ${p}: overlayfs ${x.slice('trusted.overlay.'.length)} entries are not supported`);
    }
    const whiteout = isOverlayWhiteout(stat);
    const opaque = stat.isDirectory() && lgetxattr(abs, OVERLAY_OPAQUE_XATTR)?.toString() === 'y';
    const xattrs = new Map<string, Buffer>();
    if (!whiteout) {
      for (const name of llistxattr(abs)) {
        if (name.startsWith('trusted.overlay.')) continue;
        const value = lgetxattr(abs, name);
        if (value !== undefined) xattrs.set(name, value);
      }
    }
    yield { path: p, abs, stat, whiteout, opaque, xattrs };
    if (stat.isDirectory()) yield* walkUpper(upper, p);
  }
}
