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

function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function recordExit(taskDir: string, execId: string, exit: ExitInfo): void {
  writeAtomic(exitFile(taskDir, execId), JSON.stringify({ pid: exit.pid, status: exit.status, exitedAt: exit.exitedAt.toISOString() }));
}

const PROCESS_FILE = /^process(?:-(.+))?\.json$/;

/**
 * Which task process a pid is, on disk beside its exit: the keeper, which outlives a dead server,
 * finds by it whose exit it reaped.
 */
export function recordProcess(taskDir: string, execId: string, pid: number): void {
  writeAtomic(path.join(taskDir, execId ? `process-${execId}.json` : 'process.json'), JSON.stringify({ pid }));
}

/** An exec was deleted: its records go, so a later process reusing the pid is not taken for it. */
export function forgetProcess(taskDir: string, execId: string): void {
  fs.rmSync(path.join(taskDir, `process-${execId}.json`), { force: true });
  fs.rmSync(exitFile(taskDir, execId), { force: true });
}

/** The task dir (<tasksDir>/<ns>/<id>) and exec id recorded for `pid`, if any. */
export function findProcess(tasksDir: string, pid: number): { taskDir: string; execId: string } | undefined {
  const dirs = (d: string) => (fs.existsSync(d) ? fs.readdirSync(d).map((n) => path.join(d, n)) : []);
  for (const taskDir of dirs(tasksDir).flatMap(dirs)) {
    for (const name of fs.readdirSync(taskDir)) {
      const m = PROCESS_FILE.exec(name);
      if (!m) continue;
      try {
        if ((JSON.parse(fs.readFileSync(path.join(taskDir, name), 'utf8')) as { pid: number }).pid === pid) return { taskDir, execId: m[1] ?? '' };
      } catch {
        // being written or removed right now
      }
    }
  }
  return undefined;
}

export function readExit(taskDir: string, execId: string): ExitInfo | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(exitFile(taskDir, execId), 'utf8')) as { pid: number; status: number; exitedAt: string };
    return { pid: r.pid, status: r.status, exitedAt: new Date(r.exitedAt) };
  } catch {
    return undefined;
  }
}
