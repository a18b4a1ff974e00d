// Every device node of the host's /dev as OCI linux.devices, for privileged containers (containerd's
// WithHostDevices): character and block devices, not through symlinks, not the pod's own pts/shm/mqueue.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface OciDevice {
  path: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

const SKIP = new Set(['/dev/pts', '/dev/shm', '/dev/mqueue', '/dev/.lxc', '/dev/.udev']);

/** Linux's dev_t split (glibc's gnu_dev_major/minor). */
export function splitDev(rdev: number): { major: number; minor: number } {
  const hi = Math.floor(rdev / 2 ** 32);
  const lo = rdev % 2 ** 32;
  return { major: ((lo >>> 8) & 0xfff) | ((hi & 0xfffff000) >>> 0), minor: (lo & 0xff) | ((lo >>> 12) & 0xfff00) };
}

export function hostDevices(root = '/dev'): OciDevice[] {
  const out: OciDevice[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (SKIP.has(p)) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isCharacterDevice() || e.isBlockDevice()) {
        // /dev/console is the container's own terminal, set up by the runtime.
        if (p === '/dev/console') continue;
        let st: fs.Stats;
        try {
          st = fs.lstatSync(p);
        } catch {
          continue;
        }
        out.push({ path: p, type: e.isCharacterDevice() ? 'c' : 'b', ...splitDev(st.rdev), fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
      }
    }
  };
  walk(root);
  return out;
}
