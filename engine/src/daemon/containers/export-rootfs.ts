// `docker export`: a container's filesystem (image layers plus its own changes, without volumes or
// runtime mounts) as one tar stream. The snapshot's dirs are stacked read-only in a private overlay
// mount — the container's writable dir becomes just another lower, so this is safe while the
// container runs — and containerd-ts's Diff writes the tree as an uncompressed layer, which is
// streamed out and dropped again.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SNAPSHOTTER, type Containerd } from '../containerd/client.js';
import { serverError } from '../http/api-error.js';

const pExecFile = promisify(execFile);
const TAR = 'application/vnd.oci.image.layer.v1.tar';

/** The snapshot's dirs, top-most first. */
async function layerDirs(c: Containerd, key: string): Promise<string[]> {
  const { mounts } = await c.snapshots.mounts({ snapshotter: SNAPSHOTTER, key });
  const m = mounts[0];
  if (!m) throw serverError(`snapshot ${key} has no mounts`);
  if (m.type === 'bind' || m.options.includes('rbind')) return [m.source];
  const opt = (n: string) => m.options.find((o) => o.startsWith(`${n}=`))?.slice(n.length + 1);
  return [opt('upperdir'), ...(opt('lowerdir') ?? '').split(':')].filter((d): d is string => !!d);
}

/** Yields the container's filesystem as a tar, then cleans up the mount and the blob. */
export async function* exportRootfs(c: Containerd, containerId: string): AsyncGenerator<Uint8Array> {
  const dirs = await layerDirs(c, containerId);
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-export-'));
  const lease = `engine-export-${randomBytes(6).toString('hex')}`;
  await c.leases.create({ id: lease, labels: { 'containerd.io/gc.expire': new Date(Date.now() + 3_600_000).toISOString() } });
  try {
    // One dir is bind-mounted; overlayfs needs two lowers at least for a read-only stack.
    if (dirs.length === 1) await pExecFile('mount', ['--bind', '-o', 'ro', dirs[0]!, target]);
    else await pExecFile('mount', ['-t', 'overlay', 'overlay', target, '-o', `ro,index=off,lowerdir=${dirs.join(':')}`]);
    let digest: string;
    try {
      const { diff } = await c.diff.diff({ left: [], right: [{ type: 'bind', source: target, target: '', options: ['ro', 'rbind'] }], mediaType: TAR, ref: '', labels: {} }, { metadata: { 'containerd-lease': lease } });
      if (!diff) throw serverError('containerd-ts returned no archive');
      digest = diff.digest;
    } finally {
      await pExecFile('umount', [target]).catch(() => pExecFile('umount', ['-l', target]));
    }
    for await (const r of c.content.read({ digest, offset: 0n, size: 0n })) yield r.data;
  } finally {
    fs.rmSync(target, { recursive: true, force: true });
    await c.leases.delete({ id: lease, sync: true }).catch(() => undefined);
  }
}
