// State that must survive a crash: written to a temp file, fsynced, then renamed over the old one,
// so a reader sees the old content or the new, never half of it.
import * as fs from 'node:fs';

export function writeFileAtomic(file: string, data: string, mode = 0o600): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
