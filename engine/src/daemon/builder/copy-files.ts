// COPY and ADD: sources found in the build context (or in another stage's or image's tree for
// --from) with globbing, `.dockerignore` and no way out of their root; a checksum of what they hold
// (the cache key); and the copy into the step's mounted tree, destination resolved as a chroot
// would, new files owned by root or by --chown.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PathError, resolveInRoot } from '../../api/containers/archive-path.js';
import type { DockerIgnore } from '../../common/dockerignore.js';
import { resolveUser } from '../../oci/user.js';

export class BuildStepError extends Error {}

export interface Source {
  /** Host path of the source (its root already joined). */
  host: string;
  /** Path relative to its root, slash-separated ('' for the root), symlinks resolved. */
  rel: string;
  /** The name a file source gets in a destination directory: the last element as written. */
  name?: string;
  isDir: boolean;
}

export interface SourceRoot {
  root: string;
  /** Only for the build context. */
  ignore: DockerIgnore | undefined;
  /** How errors name the root: "build context" or the stage/image. */
  what: string;
}

const GLOB = /[*?[\\]/;

/** Go's filepath.Match for one slash-separated path: `*` and `?` never cross a `/`. */
export function globMatch(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new BuildStepError(`syntax error in pattern ${pattern}`);
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (ch === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 's').test(name);
}

function walk(root: string, rel: string, ignore: DockerIgnore | undefined, out: string[]): void {
  for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = fs.lstatSync(path.join(root, r));
    if (!ignore?.ignores(r)) out.push(r);
    if (st.isDirectory() && !ignore?.skipsDir(r)) walk(root, r, ignore, out);
  }
}

/** The sources one COPY/ADD names, in order; a missing one (or a glob matching nothing) is an error. */
export function findSources(src: SourceRoot, patterns: readonly string[], instr: string): Source[] {
  const out: Source[] = [];
  for (const p of patterns) {
    const cleaned = path.posix.normalize(`/${p}`).slice(1);
    if (src.ignore && path.posix.normalize(p).startsWith('../')) throw new BuildStepError(`Forbidden path outside the build context: ${p} ()`);
    if (GLOB.test(cleaned)) {
      const all: string[] = [];
      walk(src.root, '', src.ignore, all);
      for (const r of all.filter((x) => globMatch(cleaned, x))) {
        const hit = inRoot(src, r);
        if (hit) out.push(hit);
      }
      continue;
    }
    const one = inRoot(src, cleaned);
    if (!one) throw notFound(src, instr, p);
    out.push(one);
  }
  if (out.length === 0) throw new BuildStepError(`${instr} failed: no source files were specified`);
  return out;
}

/**
 * A source path with its symlinks followed inside the root (never to the host's files), or undefined
 * when it does not exist or .dockerignore leaves it out.
 */
function inRoot(src: SourceRoot, rel: string): Source | undefined {
  let resolved: string;
  try {
    resolved = resolveInRoot(src.root, `/${rel}`, true).slice(1);
  } catch (err) {
    if (err instanceof PathError) return undefined;
    throw err;
  }
  const host = path.join(src.root, resolved);
  const st = fs.lstatSync(host, { throwIfNoEntry: false });
  if (!st || (resolved !== '' && src.ignore?.ignores(resolved))) return undefined;
  return { host, rel: resolved, isDir: st.isDirectory(), name: path.posix.basename(rel) };
}

function notFound(src: SourceRoot, instr: string, p: string): BuildStepError {
  return src.ignore
    ? new BuildStepError(`${instr} failed: file not found in build context or excluded by .dockerignore: stat ${p}: file does not exist`)
    : new BuildStepError(`${instr} failed: stat ${p} in ${src.what}: file does not exist`);
}

/** Every entry under a source (itself first), relative to the source; the context's ignores applied. */
function entriesOf(src: Source, ignore: DockerIgnore | undefined): string[] {
  if (!src.isDir) return [''];
  const rels: string[] = [];
  const all: string[] = [];
  walk(src.host, '', undefined, all);
  for (const r of all) {
    const inContext = src.rel ? `${src.rel}/${r}` : r;
    if (!ignore?.ignores(inContext)) rels.push(r);
  }
  return ['', ...rels];
}

/** What the sources hold (names, types, modes, sizes, link targets, contents): `file:…`, `dir:…` or `multi:…`. */
export function checksumSources(sources: readonly Source[], ignore: DockerIgnore | undefined): string {
  const each = sources.map((s) => {
    const h = createHash('sha256');
    for (const r of entriesOf(s, ignore)) {
      const p = r ? path.join(s.host, r) : s.host;
      const st = r || !s.isDir ? fs.lstatSync(p) : fs.statSync(p);
      h.update(`${r}\0${st.mode}\0${st.isFile() ? st.size : 0}\0`);
      if (st.isSymbolicLink()) h.update(fs.readlinkSync(p));
      else if (st.isFile()) h.update(fs.readFileSync(p));
      h.update('\0');
    }
    return { kind: s.isDir ? 'dir' : 'file', hex: h.digest('hex') };
  });
  if (each.length === 1) return `${each[0]!.kind}:${each[0]!.hex}`;
  return `multi:${createHash('sha256').update(each.map((e) => `${e.kind}:${e.hex}`).join(',')).digest('hex')}`;
}

export interface Owner {
  uid: number;
  gid: number;
}

/** Makes the container directory `dir` exist (each missing component created 0755, owned by `owner`); its host path. */
export function mkdirInRoot(root: string, dir: string, owner: Owner): string {
  let at = '/';
  for (const c of dir.split('/').filter(Boolean)) {
    at = resolveInRoot(root, path.posix.join(at, c), true);
    const host = path.join(root, at);
    if (fs.existsSync(host)) {
      if (!fs.statSync(host).isDirectory()) throw new BuildStepError(`mkdir ${at}: not a directory`);
      continue;
    }
    fs.mkdirSync(host, { mode: 0o755 });
    fs.chmodSync(host, 0o755);
    fs.lchownSync(host, owner.uid, owner.gid);
  }
  return path.join(root, at);
}

function copyEntry(fromHost: string, root: string, destContainer: string, owner: Owner, followTop: boolean): void {
  const st = followTop ? fs.statSync(fromHost) : fs.lstatSync(fromHost);
  const parent = resolveInRoot(root, path.posix.dirname(destContainer), true);
  const target = path.join(root, parent, path.posix.basename(destContainer));
  const existing = fs.existsSync(target) || isLink(target) ? fs.lstatSync(target) : undefined;
  if (st.isDirectory()) {
    if (existing && !existing.isDirectory()) fs.rmSync(target, { force: true });
    if (!existing?.isDirectory()) fs.mkdirSync(target);
  } else {
    if (existing?.isDirectory()) throw new BuildStepError(`cannot overwrite directory ${destContainer} with non-directory ${path.basename(fromHost)}`);
    if (existing) fs.rmSync(target, { force: true });
    if (st.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(fromHost), target);
    else if (st.isFile()) fs.copyFileSync(fromHost, target);
    else throw new BuildStepError(`${path.basename(fromHost)}: only regular files, directories and symlinks can be copied`);
  }
  fs.lchownSync(target, owner.uid, owner.gid);
  if (!st.isSymbolicLink()) fs.chmodSync(target, st.mode & 0o7777);
  fs.lutimesSync(target, st.atime, st.mtime);
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Copies the sources to `dest` (absolute container path) in the tree at `root`, as COPY does: a
 * directory's contents (not itself) go into the destination directory; a destination ending in `/`,
 * or that is a directory already, receives files by their names.
 */
export function copySources(root: string, sources: readonly Source[], dest: string, owner: Owner, ignore: DockerIgnore | undefined, instr: string): void {
  const destIsDir = dest.endsWith('/') || sources.length > 1;
  if (sources.length > 1 && !dest.endsWith('/')) throw new BuildStepError(`When using ${instr} with more than one source file, the destination must be a directory and end with a /`);
  for (const s of sources) {
    let base: string;
    if (s.isDir) {
      mkdirInRoot(root, dest, owner);
      base = dest;
    } else {
      const resolved = resolveInRoot(root, dest, true);
      const host = path.join(root, resolved);
      const intoDir = destIsDir || (fs.existsSync(host) && fs.statSync(host).isDirectory());
      if (intoDir) {
        mkdirInRoot(root, dest, owner);
        base = path.posix.join(dest, s.name || path.posix.basename(s.rel || s.host));
      } else {
        mkdirInRoot(root, path.posix.dirname(dest), owner);
        base = dest;
      }
    }
    for (const r of entriesOf(s, ignore)) {
      if (r === '' && s.isDir) continue; // the directory itself: its contents go into dest
      copyEntry(r ? path.join(s.host, r) : s.host, root, r ? path.posix.join(base, r) : base, owner, r === '');
    }
  }
}

/** --chown=user[:group], names looked up in the destination's /etc/passwd and /etc/group. */
export function ownerIn(root: string, spec: string): Owner {
  // Read as a chroot would: a link in the image never leads to the host's files.
  const read = (f: string) => {
    try {
      return fs.readFileSync(path.join(root, resolveInRoot(root, f, true)), 'utf8');
    } catch {
      return undefined;
    }
  };
  const [user = '', given] = spec.split(':');
  // As the classic builder: a user alone names the group too (`--chown=app` is app:app), not its primary group.
  const group = given ?? user;
  const passwd = read('/etc/passwd');
  const groups = read('/etc/group');
  if (!/^\d+$/.test(user) && !(passwd ?? '').split('\n').some((l) => l.split(':')[0] === user)) throw new BuildStepError(`unable to convert uid/gid chown string to host mapping: can't find uid for user ${user}: no such user: ${user}`);
  if (!/^\d+$/.test(group) && !(groups ?? '').split('\n').some((l) => l.split(':')[0] === group)) throw new BuildStepError(`unable to convert uid/gid chown string to host mapping: can't find gid for group ${group}: no such group: ${group}`);
  const r = resolveUser(`${user}:${group}`, passwd, groups);
  return { uid: r.uid, gid: r.gid };
}
