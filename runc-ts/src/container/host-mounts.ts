// A container without a mount namespace of its own has its spec's mounts made in the host's mount
// namespace, under its rootfs (as runc does). runc leaves them there after delete; runc-ts records
// which mounts appeared under the rootfs during create and detaches exactly those, on delete or
// when create fails. Mounts that were there before (a rootfs mounted by containerd) are never touched.
import * as fs from 'node:fs';
import { isWithin } from '../init/secure-join.js';
import { parseMountinfo } from '../init/rootfs.js';
import { MNT_DETACH, O } from '../syscalls/constants.js';
import type { Syscalls } from '../syscalls/syscalls.js';

function mountsBelow(rootfsPath: string): { id: number; mountPoint: string }[] {
  const rootfs = fs.realpathSync(rootfsPath); // mountinfo shows resolved paths
  return parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8')).filter((m) => m.mountPoint !== rootfs && isWithin(rootfs, m.mountPoint));
}

/** The ids of the mounts below `rootfs` now, to tell later which ones create added. */
export function snapshotMountsBelow(rootfs: string): Set<number> {
  return new Set(mountsBelow(rootfs).map((m) => m.id));
}

/** Mount points below `rootfs` that are not in `before`, in the order they were mounted. */
export function mountsAddedBelow(rootfs: string, before: Set<number>): string[] {
  return mountsBelow(rootfs)
    .filter((m) => !before.has(m.id))
    .map((m) => m.mountPoint);
}

/**
 * Detaches the recorded mount points, last mounted first; each only while it still is a mount point
 * below `rootfs` (one detached with its parent is gone already).
 */
export function detachHostMounts(sys: Syscalls, rootfs: string, mountPoints: readonly string[]): void {
  const real = fs.realpathSync(rootfs);
  for (const p of [...mountPoints].reverse()) {
    if (!isWithin(real, p) || p === real) continue;
    if (!mountsBelow(rootfs).some((m) => m.mountPoint === p)) continue;
    // The container owns the directories on the way there: unmount only what the path resolves
    // to without a symlink, through the opened fd, so a swapped-in symlink cannot aim us at a host mount.
    const fd = sys.open(p, O.PATH | O.NOFOLLOW | O.CLOEXEC);
    try {
      if (sys.fdPath(fd) !== p) throw new Error(`cannot detach ${p}: the path now resolves to ${sys.fdPath(fd)}`);
      sys.umount2(`/proc/self/fd/${fd}`, MNT_DETACH);
    } finally {
      sys.close(fd);
    }
  }
}
