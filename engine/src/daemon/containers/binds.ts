// -v and --mount as the API carries them (HostConfig.Binds strings, HostConfig.Mounts objects,
// HostConfig.Tmpfs) → the engine's mount list, before volumes are created.
import * as path from 'node:path';
import { badRequest } from '../http/api-error.js';
import type { HostConfig, MountSpec } from '../state/container-record.js';

export interface PlannedMount {
  type: 'bind' | 'volume' | 'tmpfs';
  /** Host path (bind) or volume name ('' for an anonymous volume). */
  source: string;
  destination: string;
  rw: boolean;
  mode: string;
  propagation: string;
  noCopy: boolean;
  /** A bind whose host path may be created (a -v bind; --mount binds must exist). */
  createHostPath: boolean;
  tmpfs?: { SizeBytes?: number; Mode?: number };
  labels?: Record<string, string>;
  /** A bind without its submounts. */
  nonRecursive?: boolean;
  /** rslave given by default (a bind of the daemon's root), not asked for. */
  defaultedSlave?: boolean;
}

const PROPAGATIONS = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];

function checkDestination(dest: string, kind: string): string {
  if (!dest.startsWith('/')) throw badRequest(`invalid mount config for type "${kind}": invalid mount path: '${dest}' mount path must be absolute`);
  const clean = path.posix.normalize(dest);
  if (clean === '/') throw badRequest(`invalid mount config for type "${kind}": invalid specification: destination can't be '/'`);
  return clean;
}

/** `src:dst[:opts]`, `dst` (anonymous volume). */
export function parseBind(spec: string): PlannedMount {
  const parts = spec.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw badRequest(`invalid volume specification: '${spec}'`);
  let source = '';
  let dest: string;
  let opts = '';
  if (parts.length === 1) dest = parts[0]!;
  else if (parts.length === 2) {
    if (parts[1]!.startsWith('/')) [source, dest] = [parts[0]!, parts[1]!];
    else [dest, opts] = [parts[0]!, parts[1]!];
  } else [source, dest, opts] = [parts[0]!, parts[1]!, parts[2]!];
  const isBind = source.startsWith('/') || source.startsWith('.');
  if (source.startsWith('.')) throw badRequest(`invalid volume specification: '${spec}': a bind mount source must be an absolute path`);
  const kind = isBind ? 'bind' : 'volume';
  const destination = checkDestination(dest, kind);
  let rw = true;
  // '' until settlePropagation picks the default.
  let propagation = '';
  let noCopy = false;
  for (const o of opts ? opts.split(',') : []) {
    if (o === 'ro') rw = false;
    else if (o === 'rw') rw = true;
    else if (o === 'nocopy' && !isBind) noCopy = true;
    else if (o === 'z' || o === 'Z') continue;
    else if (PROPAGATIONS.includes(o) && isBind) propagation = o;
    else throw badRequest(`invalid mode: ${o}`);
  }
  if (!isBind && source && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(source)) {
    throw badRequest(`create ${source}: "${source}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
  return { type: kind, source: isBind ? path.normalize(source) : source, destination, rw, mode: opts, propagation, noCopy, createHostPath: true };
}

export function fromMountSpec(m: MountSpec): PlannedMount {
  if (!m || typeof m !== 'object' || typeof m.Target !== 'string') throw badRequest('invalid mount config: Target is required');
  const type = m.Type;
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') throw badRequest(`invalid mount config: mount type unknown: "${String(type)}"`);
  const destination = checkDestination(m.Target, type);
  const base = { destination, rw: !m.ReadOnly, mode: m.ReadOnly ? 'ro' : '', noCopy: m.VolumeOptions?.NoCopy ?? false, createHostPath: false };
  if (type === 'bind') {
    if (!m.Source?.startsWith('/')) throw badRequest(`invalid mount config for type "bind": invalid mount path: '${m.Source ?? ''}' mount path must be absolute`);
    const propagation = m.BindOptions?.Propagation || '';
    if (propagation && !PROPAGATIONS.includes(propagation)) throw badRequest(`invalid mount config for type "bind": invalid propagation mode: ${propagation}`);
    return { ...base, type, source: path.normalize(m.Source), propagation, ...(m.BindOptions?.NonRecursive ? { nonRecursive: true } : {}) };
  }
  if (type === 'tmpfs') {
    if (m.Source) throw badRequest('invalid mount config for type "tmpfs": source must not be specified');
    return { ...base, type, source: '', propagation: '', ...(m.TmpfsOptions ? { tmpfs: m.TmpfsOptions } : {}) };
  }
  return { ...base, type, source: m.Source ?? '', propagation: '', ...(m.VolumeOptions?.Labels ? { labels: m.VolumeOptions.Labels } : {}) };
}

function parseTmpfsOptions(dest: string, opts: string): PlannedMount {
  const tmpfs: { SizeBytes?: number; Mode?: number } = {};
  let rw = true;
  for (const o of opts ? opts.split(',') : []) {
    const [k, v] = o.split('=', 2) as [string, string | undefined];
    if (k === 'size' && v) tmpfs.SizeBytes = parseBytes(v);
    else if (k === 'mode' && v) tmpfs.Mode = Number.parseInt(v, 8);
    else if (k === 'ro') rw = false;
    else if (['rw', 'exec', 'noexec', 'suid', 'nosuid', 'dev', 'nodev'].includes(k)) continue;
    else throw badRequest(`invalid tmpfs option ${JSON.stringify(o)}`);
  }
  return { type: 'tmpfs', source: '', destination: checkDestination(dest, 'tmpfs'), rw, mode: opts, propagation: '', noCopy: false, createHostPath: false, tmpfs };
}

export function parseBytes(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i.exec(v.trim());
  if (!m) throw badRequest(`invalid size: '${v}'`);
  const mult = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * mult);
}

/** Every mount a container asks for; a destination given twice is an error. */
export function planMounts(h: HostConfig): PlannedMount[] {
  const out: PlannedMount[] = [];
  for (const b of h.Binds ?? []) out.push(parseBind(b));
  for (const m of h.Mounts ?? []) out.push(fromMountSpec(m));
  for (const [dest, opts] of Object.entries(h.Tmpfs ?? {})) out.push(parseTmpfsOptions(dest, opts));
  const seen = new Set<string>();
  for (const m of out) {
    if (seen.has(m.destination)) throw badRequest(`Duplicate mount point: ${m.destination}`);
    seen.add(m.destination);
  }
  return out;
}

/**
 * Bind propagation as dockerd settles it: a bind of the daemon's root (or of a directory above it)
 * is rslave by default and may only be rslave or rshared, so that the engine's own mounts there
 * (snapshots, volumes) do not get stuck in the container; any other bind is rprivate by default.
 */
export function settlePropagation(planned: PlannedMount[], daemonRoot: string): void {
  for (const m of planned) {
    if (m.type !== 'bind') continue;
    const rel = path.relative(m.source, daemonRoot);
    const holdsRoot = rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    if (!holdsRoot) {
      m.propagation ||= 'rprivate';
      continue;
    }
    if (!m.propagation) {
      m.propagation = 'rslave';
      m.defaultedSlave = true;
    } else if (m.propagation !== 'rslave' && m.propagation !== 'rshared') {
      throw badRequest(`invalid mount config: must use either propagation mode "rslave" or "rshared" when mount source is within the daemon root, daemon root: ${JSON.stringify(daemonRoot)}, bind mount source: ${JSON.stringify(m.source)}, propagation: ${JSON.stringify(m.propagation)}`);
    }
  }
}
