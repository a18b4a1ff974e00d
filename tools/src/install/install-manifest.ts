// What an install added, so uninstall removes exactly that: every file and symlink it wrote and
// every directory it created (removed only when empty again).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface InstallManifest {
  prefix: string;
  stateRoot: string;
  repo: string;
  /** Files and symlinks, in the order written. */
  files: string[];
  /** Directories that did not exist before, parents first. */
  dirs: string[];
}

export const manifestPath = (prefix: string) => path.join(prefix, 'lib/container-stack/install-manifest.json');

export function readManifest(prefix: string): InstallManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(manifestPath(prefix), 'utf8')) as InstallManifest;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${manifestPath(prefix)}: ${(err as Error).message}`);
  }
}

/** Writes a file atomically (temp file in the same dir, fsync, rename). */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

/** The path lies strictly inside dir (after resolving `..`). */
export function isInside(dir: string, p: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(p));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
