// The overlayfs snapshotter: `snapshots/<id>/fs` holds a layer (committed) or the upper dir of an
// active snapshot, `snapshots/<id>/work` overlayfs's work dir. Committed parents become lowerdirs.
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { invalidArgument } from '../../core/errdefs.js';
import type { SnapshotKind } from '../../core/metadata/records.js';
import type { Mount, SnapshotterBackend, Usage } from '../../core/snapshots/snapshotter.js';

// The mount(2) data page is 4096 bytes; past that the kernel refuses the options.
const MAX_MOUNT_DATA = 4000;

export class OverlayBackend implements SnapshotterBackend {
  readonly name = 'overlayfs';
  private readonly snapshotsDir: string;

  constructor(readonly root: string) {
    this.snapshotsDir = path.join(root, 'snapshots');
    fs.mkdirSync(this.snapshotsDir, { recursive: true, mode: 0o700 });
  }

  dir(id: string): string {
    return path.join(this.snapshotsDir, id, 'fs');
  }

  private workDir(id: string): string {
    return path.join(this.snapshotsDir, id, 'work');
  }

  async stage(): Promise<{ staged: string; publish(id: string): void; discard(): void }> {
    const staged = path.join(this.snapshotsDir, `new-${randomBytes(8).toString('hex')}`);
    await fsp.mkdir(staged, { mode: 0o700 });
    await fsp.mkdir(path.join(staged, 'fs'), { mode: 0o755 });
    await fsp.mkdir(path.join(staged, 'work'), { mode: 0o711 });
    return {
      staged: path.join(staged, 'fs'),
      publish: (id) => fs.renameSync(staged, path.join(this.snapshotsDir, id)),
      discard: () => fs.rmSync(staged, { recursive: true, force: true }),
    };
  }

  mounts(kind: SnapshotKind, id: string, parents: string[]): Mount[] {
    if (parents.length === 0) {
      const ro = kind === 'view';
      return [{ type: 'bind', source: this.dir(id), options: [ro ? 'ro' : 'rw', 'rbind'] }];
    }
    if (kind === 'view' && parents.length === 1) {
      return [{ type: 'bind', source: this.dir(parents[0] as string), options: ['ro', 'rbind'] }];
    }
    const lower = `lowerdir=${parents.map((p) => this.dir(p)).join(':')}`;
    const options = kind === 'active' ? ['index=off', `workdir=${this.workDir(id)}`, `upperdir=${this.dir(id)}`, lower] : ['index=off', lower];
    if (options.join(',').length > MAX_MOUNT_DATA) throw invalidArgument(`snapshot chain of ${parents.length} layers is too deep for one overlay mount`);
    return [{ type: 'overlay', source: 'overlay', options }];
  }

  async usage(id: string): Promise<Usage> {
    // Synchronous on purpose: thousands of lstat calls through the thread pool cost far more than
    // they block (a layer's tree is walked once, at commit).
    let size = 0;
    let inodes = 1;
    const seen = new Set<number>();
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        const st = fs.lstatSync(p);
        if (st.nlink > 1) {
          if (seen.has(st.ino)) continue;
          seen.add(st.ino);
        }
        inodes++;
        size += st.blocks * 512;
        if (e.isDirectory()) walk(p);
      }
    };
    walk(this.dir(id));
    return { size, inodes };
  }

  async remove(id: string): Promise<void> {
    // Rename first so a crash mid-delete never leaves a half-deleted snapshot under its id.
    const dir = path.join(this.snapshotsDir, id);
    const doomed = path.join(this.snapshotsDir, `rm-${id}-${randomBytes(4).toString('hex')}`);
    try {
      await fsp.rename(dir, doomed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await fsp.rm(doomed, { recursive: true, force: true });
  }

  async list(): Promise<string[]> {
    return (await fsp.readdir(this.snapshotsDir)).filter((n) => /^\d+$/.test(n));
  }

  /** Staged or half-removed directories left by a crash. */
  async leftovers(): Promise<string[]> {
    return (await fsp.readdir(this.snapshotsDir)).filter((n) => n.startsWith('new-') || n.startsWith('rm-')).map((n) => path.join(this.snapshotsDir, n));
  }
}
