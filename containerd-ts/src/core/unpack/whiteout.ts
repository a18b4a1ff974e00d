// OCI layer whiteouts (`.wh.NAME` deletes NAME from lower layers, `.wh..wh..opq` hides a whole lower
// directory) and their overlayfs form (a 0/0 character device, the trusted.overlay.opaque xattr).
import { baseOf, parentOf } from './path-safety.js';

export const WHITEOUT_PREFIX = '.wh.';
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const OPAQUE_WHITEOUT = '.wh..wh..opq';
export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';

export type Whiteout = { kind: 'opaque'; dir: string } | { kind: 'remove'; target: string } | { kind: 'meta' };

/** Classifies a clean archive path; undefined when it is an ordinary entry. */
export function whiteoutOf(clean: string): Whiteout | undefined {
  const base = baseOf(clean);
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  const dir = parentOf(clean);
  if (base === OPAQUE_WHITEOUT) return { kind: 'opaque', dir };
  // aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs) carries no meaning for other filesystems.
  if (base.startsWith(WHITEOUT_META_PREFIX)) return { kind: 'meta' };
  const name = base.slice(WHITEOUT_PREFIX.length);
  return { kind: 'remove', target: dir === '' ? name : `${dir}/${name}` };
}

/** The archive path that deletes `clean` in the next layer up. */
export function whiteoutPathFor(clean: string): string {
  const dir = parentOf(clean);
  const name = WHITEOUT_PREFIX + baseOf(clean);
  return dir === '' ? name : `${dir}/${name}`;
}

/** Is this stat an overlayfs whiteout (character device 0/0)? */
export function isOverlayWhiteout(st: { isCharacterDevice(): boolean; rdev: number }): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}
