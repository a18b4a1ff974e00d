// Applies one layer's tar stream onto a snapshot directory with synchronous fs calls (no thread-pool
// round trip per syscall: thousands of small files is the common case). Every path is resolved inside
// the root: `..` escapes, symlinked parents (in this layer or a lower one) and hard links to outside
// are refused with an error, never followed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { invalidArgument } from '../errdefs.js';
import { TarReader, type BodySink, type TarHeader } from '../archive/tar-reader.js';
import { lgetxattr, lsetxattr, mknod, S_IFBLK, S_IFCHR } from '../sys/linux.js';
import { ancestorsOf, cleanArchivePath, parentOf } from './path-safety.js';
import { isOverlayWhiteout, OVERLAY_OPAQUE_XATTR, whiteoutOf } from './whiteout.js';

export interface ApplyOptions {
  /** The directory written into: an overlay upperdir, or a plain directory. */
  root: string;
  /** Read-only lower directories, top-most first, consulted for parents and hard-link targets. */
  lowers?: string[];
  /**
   * overlay: whiteouts become overlayfs whiteouts in root (it is an upperdir over lowers);
   * remove: whiteouts delete from root itself (a base layer or a plain directory).
   */
  whiteouts: 'overlay' | 'remove';
  /** Create device nodes; otherwise they are skipped with a warning. */
  allowDevices?: boolean;
  warn?: (message: string) => void;
}

export interface ApplyStats {
  entries: number;
  skipped: number;
}

const S_IFIFO = 0o010000;
const SPECIAL_BITS = 0o7000;
// xattrs an image may set: file capabilities and the user namespace. trusted.* (overlayfs's own
// bookkeeping among them) and security labels other than capabilities are never taken from a layer.
const ALLOWED_XATTR = /^(security\.capability|user\..+)$/;

interface DirInfo {
  setgid: boolean;
  gid: number;
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

export class LayerApplier {
  readonly stats: ApplyStats = { entries: 0, skipped: 0 };
  private readonly lowers: string[];
  private readonly dirs = new Map<string, DirInfo>();
  private readonly dirTimes: Array<[string, number]> = [];
  /** Paths this layer created, so an opaque marker in remove mode keeps them. */
  private readonly created = new Set<string>();
  private readonly umask = process.umask();
  private readonly warn: (m: string) => void;

  constructor(private readonly opts: ApplyOptions) {
    this.lowers = opts.lowers ?? [];
    this.warn = opts.warn ?? (() => undefined);
    const st = fs.statSync(opts.root);
    this.dirs.set('', { setgid: (st.mode & 0o2000) !== 0, gid: st.gid });
  }

  private abs(clean: string): string {
    return clean === '' ? this.opts.root : path.join(this.opts.root, clean);
  }

  private fail(name: string, why: string): never {
    throw invalidArgument(`entry ${JSON.stringify(name)}: ${why}`);
  }

  /**
   * Finds a path in the lower layers as the merged view would, top-most layer first, never through
   * a symlink: an ancestor that is anything but a real directory in a layer (a symlink, a file, a
   * whiteout) hides the path in that layer and all below it, and an opaque directory hides what is
   * below it. Without this, a symlink in a deeper layer could make a copy-up read a host file.
   */
  private lowerStat(clean: string): { dir: string; st: fs.Stats } | undefined {
    const ancestors = ancestorsOf(clean);
    for (const dir of this.lowers) {
      let present = true;
      let opaque = false;
      for (const a of ancestors) {
        const st = lstatOrUndefined(path.join(dir, a));
        if (!st) {
          present = false;
          break;
        }
        if (!st.isDirectory()) return undefined;
        if (lgetxattr(path.join(dir, a), OVERLAY_OPAQUE_XATTR)?.toString() === 'y') opaque = true;
      }
      if (present) {
        const st = lstatOrUndefined(path.join(dir, clean));
        if (st) return isOverlayWhiteout(st) ? undefined : { dir, st };
      }
      if (opaque) return undefined;
    }
    return undefined;
  }

  /** Makes sure every ancestor directory of `clean` is a real directory in root, never a symlink. */
  private ensureDir(dirClean: string, entryName: string): DirInfo {
    const known = this.dirs.get(dirClean);
    if (known) return known;
    let info: DirInfo | undefined;
    for (const d of [...ancestorsOf(dirClean), dirClean]) {
      const cached = this.dirs.get(d);
      if (cached) {
        info = cached;
        continue;
      }
      const p = this.abs(d);
      const st = lstatOrUndefined(p);
      if (st?.isDirectory()) {
        info = { setgid: (st.mode & 0o2000) !== 0, gid: st.gid };
      } else if (st?.isSymbolicLink()) {
        this.fail(entryName, `parent ${JSON.stringify(d)} is a symbolic link`);
      } else if (st && !(this.opts.whiteouts === 'overlay' && isOverlayWhiteout(st))) {
        this.fail(entryName, `parent ${JSON.stringify(d)} is not a directory`);
      } else {
        // Missing here (or whited out in this layer): take the lower layer's directory metadata,
        // so the merged view keeps its mode and owner.
        if (st) fs.unlinkSync(p);
        const lower = st ? undefined : this.lowerStat(d);
        if (lower?.st.isSymbolicLink()) this.fail(entryName, `parent ${JSON.stringify(d)} is a symbolic link in a lower layer`);
        if (lower && !lower.st.isDirectory()) this.fail(entryName, `parent ${JSON.stringify(d)} is not a directory in a lower layer`);
        const mode = lower ? lower.st.mode & 0o7777 : 0o755;
        fs.mkdirSync(p, { mode });
        if (lower) {
          fs.chownSync(p, lower.st.uid, lower.st.gid);
          if ((mode & ~this.umask) !== mode || mode & SPECIAL_BITS) fs.chmodSync(p, mode);
          this.dirTimes.push([p, lower.st.mtimeMs / 1000]);
        }
        info = { setgid: (mode & 0o2000) !== 0, gid: lower?.st.gid ?? 0 };
      }
      this.dirs.set(d, info);
    }
    return info as DirInfo;
  }

  /** Removes whatever root holds at p (a directory with its contents). */
  private removeExisting(p: string, st: fs.Stats | undefined): void {
    if (!st) return;
    if (st.isDirectory()) fs.rmSync(p, { recursive: true, force: true });
    else fs.unlinkSync(p);
  }

  private forgetDirsUnder(clean: string): void {
    for (const k of this.dirs.keys()) if (k === clean || k.startsWith(clean + '/')) this.dirs.delete(k);
  }

  private setOwner(p: string, h: TarHeader, parent: DirInfo, link: boolean): void {
    // A new file already belongs to root (or to a setgid parent's group); chown only when that differs.
    const gidNow = parent.setgid ? parent.gid : 0;
    if (h.uid === 0 && h.gid === gidNow) return;
    if (link) fs.lchownSync(p, h.uid, h.gid);
    else fs.chownSync(p, h.uid, h.gid);
  }

  private setXattrs(p: string, h: TarHeader): void {
    for (const [name, value] of h.xattrs) {
      if (!ALLOWED_XATTR.test(name)) {
        this.warn(`${h.name}: ignoring extended attribute ${name}`);
        continue;
      }
      lsetxattr(p, name, value);
    }
  }

  /** Handles one archive entry; returns a sink for a regular file's body. */
  entry(h: TarHeader): BodySink | undefined {
    this.stats.entries++;
    const clean = cleanArchivePath(h.name);
    const wh = whiteoutOf(clean);
    if (wh) {
      this.whiteout(wh, h.name);
      return undefined;
    }
    if (clean === '') {
      if (h.type !== 'dir') this.fail(h.name, 'only a directory may stand for the root');
      fs.chownSync(this.opts.root, h.uid, h.gid);
      fs.chmodSync(this.opts.root, h.mode);
      this.dirTimes.push([this.opts.root, h.mtime]);
      return undefined;
    }
    const parent = this.ensureDir(parentOf(clean), h.name);
    const p = this.abs(clean);
    const existing = lstatOrUndefined(p);
    this.created.add(clean);
    switch (h.type) {
      case 'dir': {
        if (existing && !existing.isDirectory()) {
          this.removeExisting(p, existing);
          fs.mkdirSync(p, { mode: h.mode });
        } else if (!existing) {
          fs.mkdirSync(p, { mode: h.mode });
        }
        this.setOwner(p, h, parent, false);
        if (existing?.isDirectory() || (h.mode & ~this.umask) !== h.mode || h.mode & SPECIAL_BITS) fs.chmodSync(p, h.mode);
        this.setXattrs(p, h);
        this.dirs.set(clean, { setgid: (h.mode & 0o2000) !== 0, gid: parent.setgid ? parent.gid : h.gid });
        this.dirTimes.push([p, h.mtime]);
        return undefined;
      }
      case 'file':
        return this.file(p, h, parent, existing, clean);
      case 'symlink': {
        this.removeExisting(p, existing);
        if (existing?.isDirectory()) this.forgetDirsUnder(clean);
        fs.symlinkSync(h.linkname, p);
        this.setOwner(p, h, parent, true);
        this.setXattrs(p, h);
        fs.lutimesSync(p, h.mtime, h.mtime);
        return undefined;
      }
      case 'hardlink': {
        const target = this.hardlinkTarget(h);
        this.removeExisting(p, existing);
        fs.linkSync(target, p);
        return undefined;
      }
      case 'char':
      case 'block':
      case 'fifo': {
        if (h.type !== 'fifo' && !this.opts.allowDevices) {
          this.stats.skipped++;
          this.warn(`${h.name}: device node skipped (devices are not allowed in layers)`);
          return undefined;
        }
        this.removeExisting(p, existing);
        const kind = h.type === 'fifo' ? S_IFIFO : h.type === 'char' ? S_IFCHR : S_IFBLK;
        mknod(p, kind | h.mode, h.devmajor, h.devminor);
        this.setOwner(p, h, parent, false);
        fs.chmodSync(p, h.mode);
        fs.utimesSync(p, h.mtime, h.mtime);
        return undefined;
      }
    }
  }

  private file(p: string, h: TarHeader, parent: DirInfo, existing: fs.Stats | undefined, clean: string): BodySink {
    if (existing) {
      this.removeExisting(p, existing);
      if (existing.isDirectory()) this.forgetDirsUnder(clean);
    }
    const fd = fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, h.mode & 0o777);
    let open = true;
    const close = () => {
      if (open) {
        open = false;
        fs.closeSync(fd);
      }
    };
    return {
      data: (chunk) => {
        let off = 0;
        while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
      },
      end: () => {
        try {
          const gidNow = parent.setgid ? parent.gid : 0;
          if (h.uid !== 0 || h.gid !== gidNow) fs.fchownSync(fd, h.uid, h.gid);
          if ((h.mode & ~this.umask) !== h.mode || h.mode & SPECIAL_BITS) fs.fchmodSync(fd, h.mode);
          if (h.xattrs.size > 0) this.setXattrs(p, h);
          fs.futimesSync(fd, h.mtime, h.mtime);
        } finally {
          close();
        }
      },
    };
  }

  /** Resolves a hard link's target inside the root, copying it up from a lower layer if needed. */
  private hardlinkTarget(h: TarHeader): string {
    let clean: string;
    try {
      clean = cleanArchivePath(h.linkname);
    } catch {
      this.fail(h.name, `hard link target ${JSON.stringify(h.linkname)} escapes the layer root`);
    }
    if (clean === '') this.fail(h.name, 'hard link to the root directory');
    this.ensureDir(parentOf(clean), h.name);
    const target = this.abs(clean);
    const st = lstatOrUndefined(target);
    if (st && !(this.opts.whiteouts === 'overlay' && isOverlayWhiteout(st))) {
      if (st.isDirectory()) this.fail(h.name, 'hard link to a directory');
      return target;
    }
    const lower = st ? undefined : this.lowerStat(clean);
    if (!lower) this.fail(h.name, `hard link target ${JSON.stringify(h.linkname)} does not exist`);
    if (!lower.st.isFile()) this.fail(h.name, `hard link target ${JSON.stringify(h.linkname)} is not a regular file`);
    // The target lives in a lower layer: copy it up so both names share one inode in this layer.
    fs.copyFileSync(path.join(lower.dir, clean), target);
    fs.chownSync(target, lower.st.uid, lower.st.gid);
    fs.chmodSync(target, lower.st.mode & 0o7777);
    fs.utimesSync(target, lower.st.atime, lower.st.mtime);
    return target;
  }

  private whiteout(wh: NonNullable<ReturnType<typeof whiteoutOf>>, name: string): void {
    if (wh.kind === 'meta') return;
    if (wh.kind === 'opaque') {
      this.ensureDir(wh.dir, name);
      const dir = this.abs(wh.dir);
      if (this.opts.whiteouts === 'overlay') {
        lsetxattr(dir, OVERLAY_OPAQUE_XATTR, Buffer.from('y'));
        return;
      }
      // Plain directory: drop what earlier layers put there, keep what this layer added.
      for (const child of fs.readdirSync(dir)) {
        const c = wh.dir === '' ? child : `${wh.dir}/${child}`;
        if (this.created.has(c)) continue;
        fs.rmSync(path.join(dir, child), { recursive: true, force: true });
        this.forgetDirsUnder(c);
      }
      return;
    }
    this.ensureDir(parentOf(wh.target), name);
    const p = this.abs(wh.target);
    const st = lstatOrUndefined(p);
    this.removeExisting(p, st);
    if (st?.isDirectory()) this.forgetDirsUnder(wh.target);
    this.created.delete(wh.target);
    if (this.opts.whiteouts === 'overlay') mknod(p, S_IFCHR, 0, 0);
  }

  /** Sets directory times last: creating children changes them. */
  finish(): void {
    for (let i = this.dirTimes.length - 1; i >= 0; i--) {
      const [p, t] = this.dirTimes[i] as [string, number];
      fs.utimesSync(p, t, t);
    }
  }
}

/** Applies an uncompressed tar stream onto opts.root. */
export async function applyTarStream(tar: AsyncIterable<Buffer>, opts: ApplyOptions): Promise<ApplyStats> {
  const applier = new LayerApplier(opts);
  const reader = new TarReader((h) => applier.entry(h));
  // Read to the very end even past the end-of-archive marker: the caller hashes every byte.
  for await (const chunk of tar) reader.push(chunk);
  reader.end();
  applier.finish();
  return applier.stats;
}
