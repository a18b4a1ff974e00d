// Builds the container's root filesystem inside its new mount namespace: mounts, device nodes,
// pivot_root, then masked and read-only paths. Runs in the forked init, synchronously.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerConfig, MountConfig } from '../spec/config.js';
import { AT_RECURSIVE, MNT_DETACH, MS, O, S_IFBLK, S_IFCHR, S_IFIFO } from '../syscalls/constants.js';
import { isErrno } from '../syscalls/syscall-error.js';
import type { Syscalls } from '../syscalls/syscalls.js';
import { makedev } from './device-number.js';
import { isWithin, secureJoin } from './secure-join.js';
import { containerPath, inContainerTerms } from './container-paths.js';

/** A cgroup hierarchy to show inside the container at /sys/fs/cgroup/<name>. */
export interface CgroupMount {
  /** Directory name under the cgroup mount ('' for a cgroup2-only host: the mount itself). */
  name: string;
  /** The container's cgroup directory on the host. */
  hostDir: string;
  /** Controller names co-mounted in this hierarchy (cpu,cpuacct), for compatibility symlinks. */
  controllers: string[];
}

export interface RootfsContext {
  sys: Syscalls;
  config: ContainerConfig;
  /** The container has a new user namespace: device nodes are bind-mounted from the host. */
  userns: boolean;
  /** The container has a new cgroup namespace. */
  cgroupns: boolean;
  cgroupMounts: CgroupMount[];
  cgroupV2Only: boolean;
  noPivot: boolean;
  /** Called before a cgroup2 mount that needs the container's own cgroup namespace. */
  beforeCgroupMount?: () => void;
}

const LOCKED = MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.NOATIME | MS.NODIRATIME | MS.RELATIME;

function ensureDir(p: string): void {
  fs.mkdirSync(p, { recursive: true, mode: 0o755 });
}

function ensureFile(p: string): void {
  ensureDir(path.dirname(p));
  if (!fs.existsSync(p)) fs.closeSync(fs.openSync(p, 'a', 0o644));
}

/**
 * Opens the resolved destination and checks, through /proc/self/fd, that the kernel agrees it is
 * inside the rootfs; returns the verified path. Guards against a symlink swapped in after resolution.
 */
function verifiedTarget(ctx: RootfsContext, dest: string): string {
  const fd = ctx.sys.open(dest, O.PATH | O.CLOEXEC);
  try {
    const real = ctx.sys.fdPath(fd);
    if (!isWithin(ctx.config.rootfs, real)) {
      throw new Error(`mount destination ${containerPath(ctx.config.rootfs, dest)} resolves to ${real} on the host, outside the container's rootfs`);
    }
    return real;
  } finally {
    ctx.sys.close(fd);
  }
}

function applyPropagation(ctx: RootfsContext, target: string, propagation: readonly number[]): void {
  for (const p of propagation) ctx.sys.mount(null, target, null, p, null);
}

function bindMount(ctx: RootfsContext, m: MountConfig, dest: string): void {
  if (fs.statSync(m.source).isDirectory()) ensureDir(dest);
  else ensureFile(dest);
  const target = verifiedTarget(ctx, dest);
  ctx.sys.mount(m.source, target, null, MS.BIND | (m.flags & MS.REC), null);
  const extra = m.flags & ~(MS.BIND | MS.REC | MS.REMOUNT);
  if (extra) {
    // In a user namespace the kernel refuses to drop flags the source mount has locked.
    const keep = ctx.userns ? ctx.sys.statfsFlags(target) & LOCKED : 0;
    ctx.sys.mount(null, target, null, extra | keep | MS.BIND | MS.REMOUNT, null);
  }
}

function mountCgroups(ctx: RootfsContext, m: MountConfig, dest: string): void {
  ensureDir(dest);
  const target = verifiedTarget(ctx, dest);
  const flags = m.flags & ~(MS.BIND | MS.REC | MS.REMOUNT);
  if (ctx.cgroupV2Only) {
    if (ctx.cgroupns) {
      ctx.beforeCgroupMount?.();
      ctx.sys.mount('cgroup2', target, 'cgroup2', flags, null);
    }
    else {
      const only = ctx.cgroupMounts[0];
      if (!only) throw new Error('no cgroup2 directory to bind into the container');
      ctx.sys.mount(only.hostDir, target, null, MS.BIND, null);
      if (flags) ctx.sys.mount(null, target, null, flags | MS.BIND | MS.REMOUNT, null);
    }
    return;
  }
  // v1 and hybrid: a tmpfs holding one bind mount of the container's own cgroup per hierarchy.
  ctx.sys.mount('tmpfs', target, 'tmpfs', flags & ~MS.RDONLY, 'mode=755');
  for (const cg of ctx.cgroupMounts) {
    const sub = path.join(target, cg.name);
    ensureDir(sub);
    ctx.sys.mount(cg.hostDir, sub, null, MS.BIND, null);
    ctx.sys.mount(null, sub, null, flags | MS.BIND | MS.REMOUNT, null);
    for (const c of cg.controllers) {
      if (c !== cg.name && !c.startsWith('name=')) fs.symlinkSync(cg.name, path.join(target, c));
    }
  }
  if (flags & MS.RDONLY) ctx.sys.mount(null, target, null, flags | MS.REMOUNT, 'mode=755');
}

function mountOne(ctx: RootfsContext, m: MountConfig): void {
  const dest = secureJoin(ctx.config.rootfs, m.destination);
  if (m.bind) bindMount(ctx, m, dest);
  else if (m.type === 'cgroup' || m.type === 'cgroup2') mountCgroups(ctx, m, dest);
  else {
    ensureDir(dest);
    const target = verifiedTarget(ctx, dest);
    const flags = m.flags & ~MS.REMOUNT;
    try {
      ctx.sys.mount(m.source || m.type, target, m.type, flags, m.data || null);
    } catch (err) {
      // sysfs and mqueue belong to the network/ipc namespace: without one of its own (or in a user
      // namespace that does not own it) the kernel refuses a new instance; runc binds the host's.
      if ((m.type === 'sysfs' || m.type === 'mqueue') && isErrno(err, 'EPERM')) {
        const source = m.type === 'sysfs' ? '/sys' : '/dev/mqueue';
        ctx.sys.mount(source, target, null, MS.BIND | MS.REC, null);
        ctx.sys.mount(null, target, null, (flags & LOCKED) | ctx.sys.statfsFlags(target) | MS.BIND | MS.REMOUNT, null);
      } else throw err;
    }
  }
  applyPropagation(ctx, dest, m.propagation);
  // After the mount and its propagation, as runc; a kernel without mount_setattr (before 5.12)
  // fails here rather than leaving the mount writable.
  if (m.recAttrSet || m.recAttrClr) ctx.sys.mountSetattr(verifiedTarget(ctx, dest), AT_RECURSIVE, m.recAttrSet ?? 0, m.recAttrClr ?? 0);
}

function binds(ctx: RootfsContext, destination: string): boolean {
  return ctx.config.mounts.some((m) => m.bind && m.destination === destination);
}

function createDevices(ctx: RootfsContext): void {
  const { sys, config } = ctx;
  for (const d of config.devices) {
    const dest = secureJoin(config.rootfs, d.path);
    ensureDir(path.dirname(dest));
    if (ctx.userns) {
      // mknod is not allowed in a user namespace: bind the host's node instead.
      ensureFile(dest);
      sys.mount(d.path, verifiedTarget(ctx, dest), null, MS.BIND, null);
      continue;
    }
    const kind = d.type === 'b' ? S_IFBLK : d.type === 'p' ? S_IFIFO : S_IFCHR;
    try {
      fs.rmSync(dest, { force: true });
      sys.mknod(dest, kind | (d.fileMode & 0o7777), makedev(d.major, d.minor));
    } catch (err) {
      throw new Error(`cannot create device ${d.path}: ${inContainerTerms(err, config.rootfs)}`);
    }
    sys.chown(dest, d.uid, d.gid);
  }
}

function symlinkIfMissing(target: string, link: string): void {
  try {
    fs.symlinkSync(target, link);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

function createDevSymlinks(ctx: RootfsContext): void {
  const dev = secureJoin(ctx.config.rootfs, '/dev');
  if (!fs.existsSync(dev)) return;
  symlinkIfMissing('/proc/self/fd', path.join(dev, 'fd'));
  symlinkIfMissing('/proc/self/fd/0', path.join(dev, 'stdin'));
  symlinkIfMissing('/proc/self/fd/1', path.join(dev, 'stdout'));
  symlinkIfMissing('/proc/self/fd/2', path.join(dev, 'stderr'));
  if (fs.existsSync('/proc/kcore')) symlinkIfMissing('/proc/kcore', path.join(dev, 'core'));
  if (ctx.config.mounts.some((m) => m.type === 'devpts' && m.destination === '/dev/pts')) {
    const ptmx = path.join(dev, 'ptmx');
    fs.rmSync(ptmx, { force: true });
    fs.symlinkSync('pts/ptmx', ptmx);
  }
}

/** The mount point that holds `dir`, from /proc/self/mountinfo. */
function mountPointOf(dir: string): string {
  let best = '/';
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const mp = line.split(' ')[4]?.replace(/\\040/g, ' ');
    if (mp && isWithin(mp, dir) && mp.length > best.length) best = mp;
  }
  return best;
}

/** Everything before pivot_root: propagation, the rootfs bind, the spec's mounts, /dev. */
export function prepareRootfs(ctx: RootfsContext): void {
  const { sys, config } = ctx;
  // Without a mount namespace of its own these mounts would be the host's: runc-ts leaves the
  // host's propagation alone and needs no rootfs bind (no pivot_root, no read-only remount).
  if (hasMountNamespace(config)) {
    sys.mount(null, '/', null, config.rootfsPropagation, null);
    // pivot_root refuses a new root whose parent mount is shared.
    sys.mount(null, mountPointOf(path.dirname(config.rootfs)), null, MS.PRIVATE, null);
    sys.mount(config.rootfs, config.rootfs, null, MS.BIND | MS.REC, null);
  }
  for (const m of config.mounts) {
    try {
      mountOne(ctx, m);
    } catch (err) {
      // runc's words, with the container's paths (runc and dockerd print the host's rootfs path).
      throw new Error(`error mounting ${JSON.stringify(m.source || m.type)} to rootfs at ${JSON.stringify(m.destination)}: ${inContainerTerms(err, config.rootfs)}`);
    }
  }
  if (!binds(ctx, '/dev')) createDevices(ctx);
  createDevSymlinks(ctx);
}

/**
 * Without pivot_root the host's mounts stay in the container's mount namespace, below its chroot.
 * The kernel lets a process that has its own user namespace mount a fresh procfs or sysfs only if a
 * full, uncovered one is already in the namespace: the host's would do, and the fresh mount would
 * show what the container's masked paths hide. So, as runc does, every full proc and sysfs mount
 * outside the rootfs is detached, or covered with a tmpfs where that is refused.
 */
function hideHostPseudoFilesystems(ctx: RootfsContext): void {
  const { sys, config } = ctx;
  for (const m of parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8'))) {
    if (m.root !== '/' || (m.fstype !== 'proc' && m.fstype !== 'sysfs') || isWithin(config.rootfs, m.mountPoint)) continue;
    try {
      // no unmount may propagate to the host
      sys.mount(null, m.mountPoint, null, MS.SLAVE | MS.REC, null);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue; // under a mount detached already
      throw err;
    }
    try {
      sys.umount2(m.mountPoint, MNT_DETACH);
    } catch (err) {
      if (!isErrno(err, 'EINVAL') && !isErrno(err, 'EPERM')) throw err;
      sys.mount('tmpfs', m.mountPoint, 'tmpfs', 0, null);
    }
  }
}

export interface MountinfoEntry {
  id: number;
  root: string;
  mountPoint: string;
  fstype: string;
}

/** Parses /proc/self/mountinfo (octal escapes in paths decoded), in the kernel's order. */
export function parseMountinfo(text: string): MountinfoEntry[] {
  const unescape = (p: string) => p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  const out: MountinfoEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6) continue;
    out.push({ id: Number(fields[0]), root: unescape(fields[3]!), mountPoint: unescape(fields[4]!), fstype: fields[dash + 1]! });
  }
  return out;
}

export function hasMountNamespace(config: ContainerConfig): boolean {
  return config.namespaces.some((n) => n.type === 'mount');
}

/**
 * Makes the rootfs the container's "/": pivot_root, or a move and chroot with --no-pivot, or only a
 * chroot for a container without a mount namespace (as runc).
 */
export function enterRootfs(ctx: RootfsContext): void {
  const { sys, config } = ctx;
  if (!hasMountNamespace(config)) {
    if (ctx.noPivot) throw new Error('--no-pivot needs a mount namespace of its own (it would move the host\'s mounts)');
    sys.chdir(config.rootfs);
    sys.chroot('.');
    sys.chdir('/');
    return;
  }
  if (ctx.noPivot) {
    hideHostPseudoFilesystems(ctx);
    sys.chdir(config.rootfs);
    sys.mount(config.rootfs, '/', null, MS.MOVE, null);
    sys.chroot('.');
    sys.chdir('/');
    return;
  }
  const oldRoot = sys.open('/', O.DIRECTORY | O.RDONLY | O.CLOEXEC);
  const newRoot = sys.open(config.rootfs, O.DIRECTORY | O.RDONLY | O.CLOEXEC);
  try {
    sys.fchdir(newRoot);
    // Stack the old root under the new one and detach it: no directory for put_old is needed.
    sys.pivotRoot('.', '.');
    sys.fchdir(oldRoot);
    sys.mount(null, '.', null, MS.SLAVE | MS.REC, null);
    sys.umount2('.', MNT_DETACH);
    sys.chdir('/');
  } finally {
    sys.close(oldRoot);
    sys.close(newRoot);
  }
}

function exists(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** After pivot_root: sysctls, read-only and masked paths, a read-only root. Paths are container paths now. */
export function finishRootfs(ctx: RootfsContext): void {
  const { sys, config } = ctx;
  for (const [key, value] of Object.entries(config.sysctl)) {
    const file = path.join('/proc/sys', key.replace(/\./g, '/'));
    try {
      fs.writeFileSync(file, value);
    } catch (err) {
      throw new Error(`cannot set sysctl ${key}=${value}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  for (const p of config.readonlyPaths) {
    if (!exists(p)) continue;
    sys.mount(p, p, null, MS.BIND | MS.REC, null);
    sys.mount(null, p, null, sys.statfsFlags(p) | MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.BIND | MS.REMOUNT | MS.REC, null);
  }
  for (const p of config.maskedPaths) {
    const st = exists(p);
    if (!st) continue;
    if (st.isDirectory()) sys.mount('tmpfs', p, 'tmpfs', MS.RDONLY, null);
    else sys.mount('/dev/null', p, null, MS.BIND, null);
  }
  if (config.readonlyRootfs) {
    sys.mount(null, '/', null, sys.statfsFlags('/') | MS.RDONLY | MS.BIND | MS.REMOUNT, null);
  }
}
