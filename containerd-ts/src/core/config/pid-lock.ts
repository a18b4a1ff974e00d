// One daemon per root: a second one would run crash recovery (and GC) under the first one's feet.
// The pid file names the owner; a stale file (its process gone, as after kill -9) is taken over.
import * as fs from 'node:fs';
import { StackError } from '../errdefs.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('containerd-ts');
  } catch {
    return false;
  }
}

export function acquirePidLock(file: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new StackError('failed-precondition', `another containerd-ts (pid ${pid}) is using this root (${file})`);
    }
    fs.rmSync(file, { force: true });
  }
  throw new StackError('failed-precondition', `cannot take the lock ${file}`);
}
