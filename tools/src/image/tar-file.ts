import * as fs from 'node:fs';
import { FIXED_MTIME } from './layer.js';
import { encodeTarRecord, TAR_TRAILER, type TarRecord } from './tar-writer.js';

/** Writes named buffers as a deterministic tar file, adding the directory records their paths need. */
export async function writeTarFile(file: string, files: readonly { name: string; data: Buffer }[]): Promise<void> {
  const fh = await fs.promises.open(file, 'w', 0o644);
  try {
    const dirs = new Set<string>();
    for (const f of files) {
      const parts = f.name.split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (dirs.has(dir)) continue;
        dirs.add(dir);
        await writeAll(fh, encodeTarRecord(record(`${dir}/`, 'Directory', 0o755)));
      }
      await writeAll(fh, encodeTarRecord({ ...record(f.name, 'File', 0o644), body: f.data }));
    }
    await fh.write(TAR_TRAILER);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function record(path: string, type: TarRecord['type'], mode: number): TarRecord {
  return { path, type, mode, uid: 0, gid: 0, mtime: FIXED_MTIME };
}

async function writeAll(fh: fs.promises.FileHandle, parts: readonly Buffer[]): Promise<void> {
  for (const p of parts) await fh.write(p);
}
