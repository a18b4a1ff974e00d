// A container's filesystem as its processes see it, for docker cp: a running container's through
// /proc/<pid>/root (its own mounts included); a created or stopped one's by mounting its snapshot on
// a private directory with its volumes, binds and the hostname/hosts/resolv.conf files bound where
// they go, under the container's lock so it cannot start meanwhile.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Engine } from '../../daemon/engine.js';
import { SNAPSHOTTER } from '../../daemon/containerd/client.js';
import type { ContainerRecord } from '../../daemon/state/container-record.js';
import { resolveInRoot } from './archive-path.js';

const pExecFile = promisify(execFile);

export interface ContainerFs {
  rec: ContainerRecord;
  /** The host path of the container's "/". */
  root: string;
}

function livePid(rec: ContainerRecord): number | undefined {
  const live = (rec.State.Status === 'running' || rec.State.Status === 'paused') && rec.State.Pid > 0;
  return live && fs.existsSync(`/proc/${rec.State.Pid}/root`) ? rec.State.Pid : undefined;
}

/** Makes `dest` exist inside the root (a directory, or an empty file when the source is one), links followed as in a chroot. */
function ensureMountPoint(root: string, dest: string, asDir: boolean): string {
  const comps = dest.split('/').filter(Boolean);
  let at = '/';
  for (let i = 0; i < comps.length; i++) {
    at = resolveInRoot(root, path.posix.join(at, comps[i]!), true);
    const host = path.join(root, at);
    if (fs.existsSync(host)) continue;
    if (i < comps.length - 1 || asDir) fs.mkdirSync(host, { mode: 0o755 });
    else fs.writeFileSync(host, '', { mode: 0o644 });
  }
  return path.join(root, at);
}

async function mountStopped(e: Engine, rec: ContainerRecord, target: string): Promise<void> {
  const { mounts } = await e.containerd.snapshots.mounts({ snapshotter: SNAPSHOTTER, key: rec.ID });
  const m = mounts[0];
  if (!m) throw new Error(`container ${rec.ID} has no root filesystem mounts`);
  const bind = m.type === 'bind' || m.type === 'rbind';
  const opts = bind ? m.options.filter((o) => o !== 'rbind' && o !== 'bind').concat('bind') : [...m.options];
  await pExecFile('mount', ['-t', bind ? 'none' : m.type, '-o', opts.join(','), m.source, target]);
  const binds: Array<{ source: string; destination: string; rw: boolean }> = [];
  for (const [file, dest] of [[rec.HostnamePath, '/etc/hostname'], [rec.HostsPath, '/etc/hosts'], [rec.ResolvConfPath, '/etc/resolv.conf']] as const) {
    if (file && fs.existsSync(file)) binds.push({ source: file, destination: dest, rw: true });
  }
  for (const mp of rec.Mounts) if (mp.Type !== 'tmpfs' && mp.Source && fs.existsSync(mp.Source)) binds.push({ source: mp.Source, destination: mp.Destination, rw: mp.RW });
  // Parents before children, as the runtime mounts them.
  binds.sort((a, b) => a.destination.split('/').length - b.destination.split('/').length);
  for (const b of binds) {
    const at = ensureMountPoint(target, b.destination, fs.statSync(b.source).isDirectory());
    await pExecFile('mount', ['--bind', b.source, at]);
    if (!b.rw) await pExecFile('mount', ['-o', 'remount,bind,ro', at]);
  }
}

/** Runs `fn` with the container's filesystem reachable; unmounts whatever it mounted afterwards. */
export async function withContainerFs<T>(e: Engine, ref: string, fn: (cfs: ContainerFs) => Promise<T>): Promise<T> {
  const rec = e.containers.store.get(ref);
  const pid = livePid(rec);
  if (pid) return fn({ rec, root: `/proc/${pid}/root` });
  return e.containers.locked(rec.ID, async () => {
    const nowPid = livePid(rec);
    if (nowPid) return fn({ rec, root: `/proc/${nowPid}/root` });
    const work = path.join(e.config.execRoot, 'archive');
    fs.mkdirSync(work, { recursive: true, mode: 0o700 });
    const target = fs.mkdtempSync(path.join(work, `${rec.ID.slice(0, 12)}-`));
    try {
      await mountStopped(e, rec, target);
      return await fn({ rec, root: target });
    } finally {
      await pExecFile('umount', ['-R', target]).catch((err: unknown) => e.log.warn(`umount ${target}: ${String(err)}`));
      fs.rmdirSync(target);
    }
  });
}
