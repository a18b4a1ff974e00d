// HEAD/GET/PUT /containers/{id}/archive (docker cp): the path's stat in X-Docker-Container-Path-Stat,
// a tar of it, or a tar extracted into a directory, with paths resolved inside the container's root
// as a chroot would, on running, stopped and never-started containers alike.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import type { Router } from '../../daemon/http/router.js';
import type { HttpContext } from '../../daemon/http/context.js';
import type { Engine } from '../../daemon/engine.js';
import { ApiError, badRequest, notFound } from '../../daemon/http/api-error.js';
import { resolveUser } from '../../oci/user.js';
import { PathError, resolveInRoot, splitArchivePath } from './archive-path.js';
import { withContainerFs, type ContainerFs } from './container-fs.js';
import { encodePathStat, pathStat, type PathStat } from './path-stat.js';

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

interface Located {
  stat: PathStat;
  /** The host path of what the request names (the link itself for a symlink not followed). */
  host: string;
  isDir: boolean;
}

function requestedPath(ctx: HttpContext): string {
  const p = ctx.query.get('path');
  // dockerd's own message, missing space included.
  if (!p) throw badRequest('bad parameter: pathcannot be empty');
  return p;
}

/** An error's text with the host path of the container's root told as the container's `/`. */
function inContainer(cfs: ContainerFs, err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const root = cfs.root.replace(/\/+$/, '');
  return text.split(`${root}/`).join('/').split(root).join('/');
}

const notFoundIn = (p: string, ref: string): ApiError => notFound(`Could not find the file ${p} in container ${ref}`);

function locate(cfs: ContainerFs, raw: string, ref: string): Located {
  const { path: p, followLast, base } = splitArchivePath(raw);
  let resolved: string;
  try {
    resolved = resolveInRoot(cfs.root, p, followLast);
  } catch (err) {
    if (err instanceof PathError && err.code === 'ENOENT') throw notFoundIn(raw, ref);
    if (err instanceof PathError) throw new ApiError(500, `lstat ${raw}: ${err.code === 'ENOTDIR' ? 'not a directory' : 'too many levels of symbolic links'}`);
    throw err;
  }
  const host = path.join(cfs.root, resolved);
  let st: fs.BigIntStats;
  try {
    st = fs.lstatSync(host, { bigint: true });
  } catch {
    throw notFoundIn(raw, ref);
  }
  if (followLast && !st.isDirectory()) throw new ApiError(500, `lstat ${raw}: not a directory`);
  let linkTarget = '';
  if (st.isSymbolicLink()) {
    try {
      linkTarget = resolveInRoot(cfs.root, resolved, true);
    } catch {
      linkTarget = '';
    }
  }
  return { stat: pathStat(base, st, linkTarget), host, isDir: st.isDirectory() };
}

/** A tar of what `loc` names, its top entry called by the requested name as dockerd does. */
function tarOf(loc: Located): tar.Pack {
  const name = loc.stat.name;
  if (loc.isDir) return tar.c({ cwd: loc.host, portable: false, ...(name === '.' || name === '/' ? {} : { prefix: name }) }, ['.']);
  const own = path.basename(loc.host);
  return tar.c({ cwd: path.dirname(loc.host), portable: false, onWriteEntry: (entry) => void (entry.path = name) }, [own]);
}

/** Where a PUT may not write: the read-only root filesystem, or a read-only volume or bind. */
function checkWritable(cfs: ContainerFs, containerDir: string): void {
  const within = (dest: string) => containerDir === dest || containerDir.startsWith(`${dest.replace(/\/$/, '')}/`);
  const mount = [...cfs.rec.Mounts].filter((m) => within(m.Destination)).sort((a, b) => b.Destination.length - a.Destination.length)[0];
  if (mount && !mount.RW) throw new ApiError(403, 'mounted volume is marked read-only');
  if (!mount && cfs.rec.HostConfig.ReadonlyRootfs) throw new ApiError(403, 'container rootfs is marked read-only');
}

/** copyUIDGID: everything extracted belongs to the container's user (its passwd looked up inside the container). */
function containerOwner(cfs: ContainerFs): { uid: number; gid: number } | undefined {
  const user = cfs.rec.Config.User;
  if (!user) return undefined;
  const read = (f: string) => {
    try {
      return fs.readFileSync(path.join(cfs.root, resolveInRoot(cfs.root, f, true)), 'utf8');
    } catch {
      return undefined;
    }
  };
  const u = resolveUser(user, read('/etc/passwd'), read('/etc/group'));
  return { uid: u.uid, gid: u.gid };
}

async function extract(ctx: HttpContext, cfs: ContainerFs, raw: string, ref: string): Promise<void> {
  const { path: p } = splitArchivePath(raw);
  let dir: string;
  try {
    dir = resolveInRoot(cfs.root, p, true);
  } catch (err) {
    if (err instanceof PathError && err.code === 'ENOENT') throw notFoundIn(raw, ref);
    if (err instanceof PathError) throw new ApiError(500, 'extraction point is not a directory');
    throw err;
  }
  const host = path.join(cfs.root, dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(host);
  } catch {
    throw notFoundIn(raw, ref);
  }
  if (!st.isDirectory()) throw new ApiError(500, 'extraction point is not a directory');
  checkWritable(cfs, dir);
  const owner = ctx.flag('copyUIDGID') ? containerOwner(cfs) : undefined;
  const noOverwrite = ctx.flag('noOverwriteDirNonDir');
  let refused: string | undefined;
  const unpack = new tar.Unpack({
    cwd: host,
    strict: true,
    umask: 0,
    ...(owner ? { uid: owner.uid, gid: owner.gid, preserveOwner: false } : {}),
    filter: (entryPath, entry) => {
      if (!noOverwrite || refused) return !refused;
      const rel = path.posix.normalize(`/${entryPath}`).replace(/(.)\/+$/, '$1');
      const target = path.join(host, rel);
      let existing: fs.Stats;
      try {
        existing = fs.lstatSync(target);
      } catch {
        return true;
      }
      const isDirEntry = 'type' in entry && entry.type === 'Directory';
      const inContainer = path.posix.join(dir, rel);
      if (existing.isDirectory() && !isDirEntry) refused = `cannot overwrite directory ${JSON.stringify(inContainer)} with non-directory ${JSON.stringify(dir)}`;
      else if (!existing.isDirectory() && isDirEntry) refused = `cannot overwrite non-directory ${JSON.stringify(inContainer)} with directory ${JSON.stringify(dir)}`;
      if (refused) unpack.abort(new Error(refused));
      return !refused;
    },
  });
  try {
    await pipeline(ctx.bodyStream(), unpack);
  } catch (err) {
    throw new ApiError(500, `Error processing tar file: ${refused ?? inContainer(cfs, err)}`);
  }
  if (refused) throw new ApiError(500, `Error processing tar file: ${refused}`);
}

export function register(r: Router, e: Engine): void {
  r.head('/containers/{id}/archive', async (ctx) => {
    const raw = requestedPath(ctx);
    const ref = ctx.param('id');
    const loc = await withContainerFs(e, ref, async (cfs) => locate(cfs, raw, ref));
    ctx.stream(200, 'application/json', { [STAT_HEADER]: encodePathStat(loc.stat) }).end();
  });
  r.get('/containers/{id}/archive', async (ctx) => {
    const raw = requestedPath(ctx);
    const ref = ctx.param('id');
    await withContainerFs(e, ref, async (cfs) => {
      const loc = locate(cfs, raw, ref);
      const res = ctx.stream(200, 'application/x-tar', { [STAT_HEADER]: encodePathStat(loc.stat) });
      await pipeline(tarOf(loc), res);
      e.events.publish('container', 'archive-path', cfs.rec.ID, { name: cfs.rec.Name.slice(1), path: raw });
    });
  });
  r.add('PUT', '/containers/{id}/archive', async (ctx) => {
    const raw = requestedPath(ctx);
    const ref = ctx.param('id');
    await withContainerFs(e, ref, async (cfs) => {
      await extract(ctx, cfs, raw, ref);
      e.events.publish('container', 'extract-to-dir', cfs.rec.ID, { name: cfs.rec.Name.slice(1), path: raw });
    });
    ctx.noContent(200);
  });
}
