// Splits OCI mount options into MS_* flags, propagation changes and filesystem data, as runc does.
import { MOUNT_ATTR, MS } from '../syscalls/constants.js';

const SET: Readonly<Record<string, number>> = {
  bind: MS.BIND,
  rbind: MS.BIND | MS.REC,
  ro: MS.RDONLY,
  nosuid: MS.NOSUID,
  nodev: MS.NODEV,
  noexec: MS.NOEXEC,
  sync: MS.SYNCHRONOUS,
  remount: MS.REMOUNT,
  mand: MS.MANDLOCK,
  dirsync: MS.DIRSYNC,
  nosymfollow: MS.NOSYMFOLLOW,
  noatime: MS.NOATIME,
  nodiratime: MS.NODIRATIME,
  relatime: MS.RELATIME,
  strictatime: MS.STRICTATIME,
  lazytime: MS.LAZYTIME,
  silent: MS.SILENT,
};

const CLEAR: Readonly<Record<string, number>> = {
  rw: MS.RDONLY,
  suid: MS.NOSUID,
  dev: MS.NODEV,
  exec: MS.NOEXEC,
  async: MS.SYNCHRONOUS,
  nomand: MS.MANDLOCK,
  atime: MS.NOATIME,
  diratime: MS.NODIRATIME,
  norelatime: MS.RELATIME,
  nostrictatime: MS.STRICTATIME,
  loud: MS.SILENT,
  defaults: 0,
};

const PROPAGATION: Readonly<Record<string, number>> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};

/**
 * runc 1.1's recursive options: applied to the mount and every mount below it with
 * mount_setattr(AT_RECURSIVE) after mounting. [attribute, true when the option clears it].
 */
const RECURSIVE: Readonly<Record<string, readonly [number, boolean]>> = {
  rro: [MOUNT_ATTR.RDONLY, false],
  rrw: [MOUNT_ATTR.RDONLY, true],
  rnosuid: [MOUNT_ATTR.NOSUID, false],
  rsuid: [MOUNT_ATTR.NOSUID, true],
  rnodev: [MOUNT_ATTR.NODEV, false],
  rdev: [MOUNT_ATTR.NODEV, true],
  rnoexec: [MOUNT_ATTR.NOEXEC, false],
  rexec: [MOUNT_ATTR.NOEXEC, true],
  rnodiratime: [MOUNT_ATTR.NODIRATIME, false],
  rdiratime: [MOUNT_ATTR.NODIRATIME, true],
  rrelatime: [MOUNT_ATTR.RELATIME, false],
  rnorelatime: [MOUNT_ATTR.RELATIME, true],
  rnoatime: [MOUNT_ATTR.NOATIME, false],
  ratime: [MOUNT_ATTR.NOATIME, true],
  rstrictatime: [MOUNT_ATTR.STRICTATIME, false],
  rnostrictatime: [MOUNT_ATTR.STRICTATIME, true],
  rnosymfollow: [MOUNT_ATTR.NOSYMFOLLOW, false],
  rsymfollow: [MOUNT_ATTR.NOSYMFOLLOW, true],
};

// Options runc accepts that change how it mounts rather than what the kernel gets.
const RUNTIME_ONLY = new Set(['tmpcopyup', 'idmap', 'ridmap']);

export interface ParsedMountOptions {
  flags: number;
  propagation: number[];
  data: string;
  /** MOUNT_ATTR_* to set and to clear recursively (rro, rnosuid, …); 0 and 0 for none. */
  recAttrSet: number;
  recAttrClr: number;
}

export function parseMountOptions(options: readonly string[]): ParsedMountOptions {
  let flags = 0;
  const propagation: number[] = [];
  const data: string[] = [];
  let recAttrSet = 0;
  let recAttrClr = 0;
  for (const opt of options) {
    const rec = RECURSIVE[opt];
    if (rec) {
      const [attr, clear] = rec;
      if (clear) recAttrClr |= attr;
      else {
        recAttrSet |= attr;
        // an access-time mode is set only together with clearing the whole atime field
        if ((attr & MOUNT_ATTR._ATIME) === attr) recAttrClr |= MOUNT_ATTR._ATIME;
      }
      continue;
    }
    const set = SET[opt];
    const clear = CLEAR[opt];
    const prop = PROPAGATION[opt];
    if (set !== undefined) flags |= set;
    else if (clear !== undefined) flags &= ~clear;
    else if (prop !== undefined) propagation.push(prop);
    else if (!RUNTIME_ONLY.has(opt)) data.push(opt);
  }
  return { flags, propagation, data: data.join(','), recAttrSet, recAttrClr };
}

export function parsePropagation(value: string): number | undefined {
  return PROPAGATION[value];
}
