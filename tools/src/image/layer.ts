import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { sha256Digest } from './digest.js';
import type { LayerEntry, LayerSpec } from './layer-entry.js';
import { encodeTar, type TarRecord, type TarRecordType } from './tar-writer.js';

/** Every entry carries this mtime so the same input always gives the same digests. */
export const FIXED_MTIME = new Date(0);

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

export interface BuiltLayer {
  /** Digest and size of the gzip blob (what the manifest lists). */
  digest: string;
  size: number;
  /** Digest of the uncompressed tar (what the config's rootfs.diff_ids lists). */
  diffId: string;
  gzip: Buffer;
}

/** Turns a layer spec into a deterministic gzip'd tar and its two digests. */
export function buildLayer(spec: LayerSpec, index: number): BuiltLayer {
  const tar = encodeTar(layerRecords(spec.entries, `layer ${index}`));
  const gzip = zlib.gzipSync(tar);
  return { digest: sha256Digest(gzip), size: gzip.length, diffId: sha256Digest(tar), gzip };
}

/** The tar records of a layer: normal entries normalised, parents added, sorted; unsafe ones appended. */
export function layerRecords(entries: readonly LayerEntry[], what: string): TarRecord[] {
  const byPath = new Map<string, TarRecord>();
  const hardlinks: TarRecord[] = [];
  const unsafe: TarRecord[] = [];
  const fileTargets = new Set<string>();

  for (const entry of entries) {
    if (entry.unsafe) {
      unsafe.push(toRecord(entry, entry.path, entry.linkname, what));
      continue;
    }
    const name = imagePath(entry.path, what);
    const record = toRecord(entry, tarPathOf(entry.type, name), linkTarget(entry, what), what);
    const key = record.path.replace(/\/$/, '');
    if (byPath.has(key) || hardlinks.some((h) => h.path === key)) throw new Error(`${what}: two entries for ${key}`);
    if (entry.type === 'hardlink') hardlinks.push(record);
    else byPath.set(key, record);
    if (entry.type === 'file') fileTargets.add(name);
  }

  for (const link of hardlinks) {
    if (!link.linkpath || !fileTargets.has(link.linkpath)) {
      throw new Error(`${what}: hardlink ${link.path} points to ${link.linkpath ?? '(nothing)'}, which is not a file of this layer`);
    }
  }

  // Readers create parents implicitly, but not all with sane modes: list every parent directory.
  for (const path of [...byPath.keys(), ...hardlinks.map((h) => h.path)]) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      const existing = byPath.get(parent);
      if (existing && existing.type !== 'Directory') throw new Error(`${what}: ${parent} is a parent of ${path} but not a directory`);
      if (!existing) byPath.set(parent, { path: `${parent}/`, type: 'Directory', mode: 0o755, uid: 0, gid: 0, mtime: FIXED_MTIME });
    }
  }

  const sorted = [...byPath.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  hardlinks.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return [...sorted, ...hardlinks, ...unsafe];
}

/** `/a//./b` → `a/b`; refuses `..` so that only `unsafe` entries can aim outside the root. */
function imagePath(path: string, what: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new Error(`${what}: entry path ${path} contains '..' (use unsafe: true to write it verbatim)`);
  if (parts.length === 0) throw new Error(`${what}: entry path ${JSON.stringify(path)} names the root`);
  return parts.join('/');
}

function tarPathOf(type: LayerEntry['type'], name: string): string {
  switch (type) {
    case 'dir':
      return `${name}/`;
    case 'whiteout': {
      const slash = name.lastIndexOf('/');
      return `${name.slice(0, slash + 1)}${WHITEOUT_PREFIX}${name.slice(slash + 1)}`;
    }
    case 'opaque':
      return `${name}/${OPAQUE_MARKER}`;
    default:
      return name;
  }
}

function linkTarget(entry: LayerEntry, what: string): string | undefined {
  if (entry.type === 'hardlink') return imagePath(entry.linkname ?? '', `${what}: hardlink ${entry.path}`);
  return entry.linkname;
}

const TAR_TYPE: Readonly<Record<LayerEntry['type'], TarRecordType>> = {
  file: 'File',
  dir: 'Directory',
  symlink: 'SymbolicLink',
  hardlink: 'Link',
  whiteout: 'File',
  opaque: 'File',
};

const DEFAULT_MODE: Readonly<Record<LayerEntry['type'], number>> = {
  file: 0o644,
  dir: 0o755,
  symlink: 0o777,
  hardlink: 0o644,
  whiteout: 0o644,
  opaque: 0o644,
};

function toRecord(entry: LayerEntry, path: string, linkpath: string | undefined, what: string): TarRecord {
  const type = TAR_TYPE[entry.type];
  let mode = entry.mode ?? DEFAULT_MODE[entry.type];
  let body: Buffer | undefined;
  if (entry.type === 'file') {
    if (entry.content !== undefined && entry.source !== undefined) throw new Error(`${what}: ${entry.path} has both content and source`);
    if (entry.source !== undefined) {
      body = readSource(entry.source, what);
      if (entry.mode === undefined) mode = fs.statSync(entry.source).mode & 0o7777;
    } else {
      body = Buffer.from(entry.content ?? '');
    }
  } else if (entry.content !== undefined || entry.source !== undefined) {
    throw new Error(`${what}: ${entry.path} is a ${entry.type} and cannot have content`);
  }
  if ((entry.type === 'symlink' || entry.type === 'hardlink') && !linkpath) {
    throw new Error(`${what}: ${entry.type} ${entry.path} needs a linkname`);
  }
  return {
    path,
    type,
    mode,
    uid: entry.uid ?? 0,
    gid: entry.gid ?? 0,
    mtime: FIXED_MTIME,
    ...(body ? { body } : {}),
    ...(linkpath !== undefined && (entry.type === 'symlink' || entry.type === 'hardlink') ? { linkpath } : {}),
  };
}

function readSource(source: string, what: string): Buffer {
  try {
    return fs.readFileSync(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`${what}: cannot read source file ${source}: ${code}`);
  }
}
