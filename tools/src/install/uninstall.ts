// Removes what install added (its manifest's files and symlinks, then the directories it created
// once empty), after stopping the stack's daemons. Containers' data, images, volumes, daemon.json
// and logs are kept, and listed, as Debian's docker.io keeps /var/lib/docker on remove.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stopStack } from '../service/stack-service.js';
import { readLayout } from '../service/stack-layout.js';
import { checkAbsolute } from './install.js';
import { isInside, manifestPath, readManifest } from './install-manifest.js';

export interface UninstallResult {
  removed: string[];
  /** Data the stack made that uninstall leaves in place. */
  kept: string[];
}

/** The state paths of an install whose state lives under stateRoot. */
export function statePaths(stateRoot: string): string[] {
  return ['/var/lib/engine', '/var/lib/containerd-ts', '/etc/engine', '/var/log/stack'].map((p) => path.join(stateRoot, p));
}

export async function uninstall(opts: { prefix: string; log?: (line: string) => void }): Promise<UninstallResult> {
  const prefix = checkAbsolute('--prefix', opts.prefix);
  const log = opts.log ?? (() => undefined);
  const manifest = readManifest(prefix);
  if (!manifest) throw new Error(`nothing to uninstall: no ${manifestPath(prefix)}`);
  const layoutFile = path.join(prefix, 'lib/container-stack/stack.json');
  if (fs.existsSync(layoutFile)) await stopStack(readLayout(layoutFile), log);
  const removed: string[] = [];
  for (const file of manifest.files) {
    // Only what lies inside the prefix: a manifest edited to name /etc/passwd removes nothing.
    if (!isInside(prefix, file)) throw new Error(`${manifestPath(prefix)} names ${file}, outside ${prefix}: refusing`);
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) throw new Error(`${file} is now a directory, not what install wrote: refusing`);
    fs.rmSync(file);
    removed.push(file);
  }
  for (const dir of [...manifest.dirs].reverse()) {
    // Inside the prefix, the prefix, or a parent of it that install had to create.
    if (!isInside(prefix, dir) && !isInside(dir, prefix) && dir !== prefix) continue;
    try {
      fs.rmdirSync(dir);
      removed.push(dir);
    } catch {
      // not empty (something else lives there now) or already gone: kept
    }
  }
  return { removed, kept: statePaths(manifest.stateRoot).filter((p) => fs.existsSync(p)) };
}
