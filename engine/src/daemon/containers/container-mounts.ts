// Planned mounts → the container's mount points: bind sources checked (or created for -v), volumes
// created (anonymous ones for -v /path and the image's VOLUMEs), and a new or empty volume filled
// from the image's content at its path (copy-up), as Docker does.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { badRequest } from '../http/api-error.js';
import type { MountPoint } from '../state/container-record.js';
import type { VolumeStore } from '../volumes/volume-store.js';
import type { PlannedMount } from './binds.js';

const pExecFile = promisify(execFile);

export interface ResolvedMounts {
  mounts: MountPoint[];
  /** Volumes this create made (removed again if the create fails). */
  createdVolumes: string[];
  /** Volumes to fill from the image, by destination. */
  copyUp: Array<{ volume: string; destination: string }>;
}

export function resolveMounts(planned: readonly PlannedMount[], imageVolumes: readonly string[], volumes: VolumeStore): ResolvedMounts {
  const out: ResolvedMounts = { mounts: [], createdVolumes: [], copyUp: [] };
  const all = [...planned];
  for (const v of imageVolumes) {
    const dest = path.posix.normalize(v);
    if (!all.some((m) => m.destination === dest)) all.push({ type: 'volume', source: '', destination: dest, rw: true, mode: '', propagation: '', noCopy: false, createHostPath: false });
  }
  try {
    for (const m of all) {
      if (m.type === 'bind') {
        if (!fs.existsSync(m.source)) {
          if (!m.createHostPath) throw badRequest(`invalid mount config for type "bind": bind source path does not exist: ${m.source}`);
          fs.mkdirSync(m.source, { recursive: true, mode: 0o755 });
        }
        out.mounts.push({ Type: 'bind', Source: m.source, Destination: m.destination, Mode: m.mode, RW: m.rw, Propagation: m.propagation, ...(m.nonRecursive ? { NonRecursive: true } : {}), ...(m.defaultedSlave ? { DefaultedSlave: true } : {}) });
      } else if (m.type === 'tmpfs') {
        out.mounts.push({ Type: 'tmpfs', Source: '', Destination: m.destination, Mode: m.mode, RW: m.rw, Propagation: '', ...(m.tmpfs ? { TmpfsOptions: m.tmpfs } : {}) });
      } else {
        const anonymous = m.source === '';
        const { volume, created } = volumes.create({ ...(anonymous ? {} : { name: m.source }), anonymous, ...(m.labels ? { labels: m.labels } : {}) });
        if (created) out.createdVolumes.push(volume.Name);
        if (!m.noCopy && volumes.isEmpty(volume.Name)) out.copyUp.push({ volume: volume.Name, destination: m.destination });
        out.mounts.push({ Type: 'volume', Name: volume.Name, Source: volume.Mountpoint, Destination: m.destination, Driver: 'local', Mode: m.mode, RW: m.rw, Propagation: '', ...(anonymous ? { Anonymous: true } : {}) });
      }
    }
  } catch (err) {
    for (const v of out.createdVolumes) volumes.remove(v, [], true);
    throw err;
  }
  return out;
}

/** Mounts the container's root filesystem for a moment and copies each path into its volume. */
export async function copyUp(rootfsMounts: ReadonlyArray<{ type: string; source: string; options: string[] }>, work: string, jobs: ResolvedMounts['copyUp'], volumes: VolumeStore): Promise<void> {
  const m = rootfsMounts[0];
  if (!jobs.length || !m) return;
  const target = fs.mkdtempSync(path.join(work, 'copyup-'));
  const bind = m.type === 'bind';
  try {
    const opts = bind ? m.options.filter((o) => o !== 'rbind' && o !== 'bind').concat('bind') : m.options;
    await pExecFile('mount', ['-t', bind ? 'none' : m.type, '-o', opts.join(','), m.source, target]);
    try {
      for (const j of jobs) {
        const src = path.join(target, j.destination);
        // A path that leaves the rootfs through a symlink is not copied.
        let real: string;
        try {
          real = fs.realpathSync(src);
        } catch {
          continue;
        }
        if (!real.startsWith(`${target}/`) || !fs.statSync(real).isDirectory()) continue;
        await pExecFile('cp', ['-a', `${real}/.`, `${volumes.mountpoint(j.volume)}/`]);
      }
    } finally {
      await pExecFile('umount', [target]);
    }
  } finally {
    fs.rmSync(target, { recursive: true, force: true });
  }
}
