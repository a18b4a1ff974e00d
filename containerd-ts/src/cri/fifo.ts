// FIFOs for a process's stdio, handed to the shim by path (as containerd's CRI plugin does).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mknod } from '../core/sys/linux.js';

export const S_IFIFO_MODE = 0o010000 | 0o600;

/** Creates `<dir>/<prefix>-stdout` and `-stderr` FIFOs (the dir too). */
export function makeFifos(dir: string, prefix: string): { stdout: string; stderr: string } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = { stdout: path.join(dir, `${prefix}-stdout`), stderr: path.join(dir, `${prefix}-stderr`) };
  for (const p of [f.stdout, f.stderr]) {
    fs.rmSync(p, { force: true });
    mknod(p, S_IFIFO_MODE, 0, 0);
  }
  return f;
}

/** Reads both FIFOs to their end, each into a buffer (ExecSync's output). */
export function collectFifos(f: { stdout: string; stderr: string }): Promise<{ stdout: Buffer; stderr: Buffer }> {
  const one = (file: string) =>
    new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      const rs = fs.createReadStream(file);
      rs.on('data', (c) => parts.push(c as Buffer));
      rs.on('error', () => resolve(Buffer.concat(parts)));
      rs.on('end', () => resolve(Buffer.concat(parts)));
    });
  return Promise.all([one(f.stdout), one(f.stderr)]).then(([stdout, stderr]) => ({ stdout, stderr }));
}
