// Exits written to disk (write-temp-fsync-rename) before anyone is told: if the shim dies after a
// process exited, `shim-ts delete` and containerd-ts still learn the real status.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ExitInfo {
  pid: number;
  /** Exit code, or 128 + signal. */
  status: number;
  exitedAt: Date;
}

export function exitFile(taskDir: string, execId: string): string {
  return path.join(taskDir, execId ? `exit-${execId}.json` : 'exit.json');
}

export function recordExit(taskDir: string, execId: string, exit: ExitInfo): void {
  fs.mkdirSync(taskDir, { recursive: true });
  const file = exitFile(taskDir, execId);
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify({ pid: exit.pid, status: exit.status, exitedAt: exit.exitedAt.toISOString() }));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function readExit(taskDir: string, execId: string): ExitInfo | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(exitFile(taskDir, execId), 'utf8')) as { pid: number; status: number; exitedAt: string };
    return { pid: r.pid, status: r.status, exitedAt: new Date(r.exitedAt) };
  } catch {
    return undefined;
  }
}
