// What a shared or slave bind needs of its source on the host, checked at start as dockerd does: an
// rshared bind only propagates from a shared mount, an rslave one from a shared or slave mount.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiError } from '../http/api-error.js';
import type { MountPoint } from '../state/container-record.js';

interface MountInfo {
  mountPoint: string;
  shared: boolean;
  slave: boolean;
}

function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

function mountInfo(): MountInfo[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const f = l.split(' ');
      const sep = f.indexOf('-');
      const optional = f.slice(6, sep < 0 ? undefined : sep);
      return { mountPoint: unescape(f[4] ?? ''), shared: optional.some((o) => o.startsWith('shared:')), slave: optional.some((o) => o.startsWith('master:')) };
    });
}

/** The mount a path lives on: the last-mounted one with the longest mount point above it. */
function mountOf(p: string, all: readonly MountInfo[]): MountInfo | undefined {
  let best: MountInfo | undefined;
  for (const m of all) {
    const rel = path.relative(m.mountPoint, p);
    const under = rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    if (under && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

export function checkBindPropagation(mounts: readonly MountPoint[]): void {
  const binds = mounts.filter((m) => m.Type === 'bind' && /^r?(shared|slave)$/.test(m.Propagation));
  if (!binds.length) return;
  const all = mountInfo();
  for (const m of binds) {
    let real: string;
    try {
      real = fs.realpathSync(m.Source);
    } catch {
      continue;
    }
    const on = mountOf(real, all);
    if (!on) continue;
    if (m.Propagation.endsWith('shared') && !on.shared) throw new ApiError(500, `path ${m.Source} is mounted on ${on.mountPoint} but it is not a shared mount`);
    // dockerd lets the rslave it gave a bind of its root by default fall back to private.
    if (m.Propagation.endsWith('slave') && !on.shared && !on.slave && !m.DefaultedSlave) throw new ApiError(500, `path ${m.Source} is mounted on ${on.mountPoint} but it is not a shared or slave mount`);
  }
}
