import * as fs from 'node:fs';
import type { IdMap } from '../spec/config.js';

export function formatIdMap(maps: readonly IdMap[]): string {
  return maps.map((m) => `${m.containerID} ${m.hostID} ${m.size}`).join('\n') + '\n';
}

/** Writes a new user namespace's uid and gid maps from outside, as the creating (root) parent. */
export function writeIdMaps(pid: number, uidMappings: readonly IdMap[], gidMappings: readonly IdMap[]): void {
  try {
    fs.writeFileSync(`/proc/${pid}/uid_map`, formatIdMap(uidMappings));
    fs.writeFileSync(`/proc/${pid}/gid_map`, formatIdMap(gidMappings));
  } catch (err) {
    throw new Error(`cannot write the user namespace id maps of ${pid}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
