// --volumes-from NAME[:ro|rw]: the mount points of another container, as dockerd copies them at
// create: its volumes and binds (not its tmpfs), read-only when asked or when they were already.
import { badRequest } from '../http/api-error.js';
import type { ContainerRecord, MountPoint } from '../state/container-record.js';

export interface VolumesFromSpec {
  container: string;
  /** '' keeps each mount's own mode. */
  mode: '' | 'ro' | 'rw';
}

/** dockerd's ParseVolumesFrom, with its messages. */
export function parseVolumesFrom(spec: string): VolumesFromSpec {
  if (spec === '') throw badRequest('volumes-from specification cannot be an empty string');
  const [container = '', mode, ...rest] = spec.split(':');
  if (rest.length) throw badRequest(`invalid mode: ${[mode, ...rest].join(':')}`);
  if (mode === undefined) return { container, mode: '' };
  if (mode !== 'ro' && mode !== 'rw') throw badRequest(`invalid mode: ${mode}`);
  return { container, mode };
}

/**
 * The mount points the specs bring, in order (a later one wins a destination). `find` looks a
 * container up by name or ID; a missing one is dockerd's 400 `No such container: NAME`.
 */
export function mountsFrom(specs: readonly string[], find: (ref: string) => ContainerRecord | undefined): MountPoint[] {
  const byDest = new Map<string, MountPoint>();
  for (const raw of specs) {
    const spec = parseVolumesFrom(raw);
    const source = find(spec.container);
    if (!source) throw badRequest(`No such container: ${spec.container}`);
    for (const m of source.Mounts) {
      if (m.Type === 'tmpfs') continue;
      const rw = spec.mode === '' ? m.RW : spec.mode === 'rw';
      // A volume another container made for itself stays that container's: removing this one keeps it.
      const { Anonymous: _anonymous, ...copy } = m;
      byDest.set(m.Destination, { ...copy, RW: rw, Mode: spec.mode || m.Mode });
    }
  }
  return [...byDest.values()];
}
