// A snapshot's tree mounted on a private directory for the builder's own file work (COPY, ADD,
// WORKDIR, reading a stage's files for COPY --from), unmounted again whatever happens.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const pExecFile = promisify(execFile);

export interface SnapshotMount {
  type: string;
  source: string;
  options: readonly string[];
}

export async function withMounted<T>(mounts: readonly SnapshotMount[], workDir: string, fn: (root: string) => Promise<T>): Promise<T> {
  const m = mounts[0];
  if (!m) throw new Error('the snapshot has no mounts');
  fs.mkdirSync(workDir, { recursive: true, mode: 0o700 });
  const target = fs.mkdtempSync(path.join(workDir, 'mnt-'));
  try {
    const bind = m.type === 'bind' || m.type === 'rbind' || m.options.includes('rbind');
    const opts = bind ? m.options.filter((o) => o !== 'rbind' && o !== 'bind').concat('bind') : [...m.options];
    await pExecFile('mount', ['-t', bind ? 'none' : m.type, '-o', opts.join(','), m.source, target]);
    try {
      return await fn(target);
    } finally {
      await pExecFile('umount', [target]).catch(() => pExecFile('umount', ['-l', target]));
    }
  } finally {
    fs.rmdirSync(target);
  }
}

/**
 * The overlay's writable dir (the snapshot's own files), or the bind source of a parentless one:
 * where a finished RUN container's changes live.
 */
export function upperDirOf(mounts: readonly SnapshotMount[]): { upper: string; lowers: string[] } | undefined {
  const m = mounts[0];
  if (!m) return undefined;
  if (m.type === 'bind' || m.options.includes('rbind')) return { upper: m.source, lowers: [] };
  const opt = (n: string) => m.options.find((o) => o.startsWith(`${n}=`))?.slice(n.length + 1);
  const upper = opt('upperdir');
  return upper ? { upper, lowers: (opt('lowerdir') ?? '').split(':').filter(Boolean) } : undefined;
}
