// Turns archive paths into clean paths relative to a layer root, refusing any that would leave it.
import { invalidArgument } from '../errdefs.js';

/**
 * `./usr//bin/../sbin/` → `usr/sbin`; a leading `/` is dropped (paths are relative to the root, as
 * tar and containerd treat them); `..` that would climb above the root is an error, not clamped,
 * so a malicious layer is reported instead of silently rewritten. The root itself is ''.
 */
export function cleanArchivePath(name: string): string {
  if (name.includes('\0')) throw invalidArgument(`path ${JSON.stringify(name)} contains a NUL byte`);
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw invalidArgument(`path ${JSON.stringify(name)} escapes the layer root`);
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out.join('/');
}

export function parentOf(clean: string): string {
  const i = clean.lastIndexOf('/');
  return i < 0 ? '' : clean.slice(0, i);
}

export function baseOf(clean: string): string {
  return clean.slice(clean.lastIndexOf('/') + 1);
}

/** Every proper prefix directory of a clean path, outermost first: `a/b/c` → [`a`, `a/b`]. */
export function ancestorsOf(clean: string): string[] {
  const parts = clean.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}
