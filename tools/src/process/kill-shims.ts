// Test clean-up of the shims a daemon started, found through their pid files. A pid file outlives its
// shim (killed by a test, or shut down when idle), and with this machine's pid_max of 32768 pids come
// round again within a test run: a stale file's pid may by then be another test's shim or a forking
// runtime. So a pid is killed only while its command line is still that shim's.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** SIGKILLs the shim serving `group` under `stateDir` (`<stateDir>/<group>/shim.pid`), if it still runs. */
export function killShim(stateDir: string, group: string): void {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(stateDir, group, 'shim.pid'), 'utf8'));
  } catch {
    return;
  }
  if (!(pid > 0)) return;
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const arg = (flag: string) => argv[argv.indexOf(flag) + 1];
    if (!argv.includes('serve') || arg('--state-dir') !== stateDir || arg('--group') !== group) return;
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/** SIGKILLs every shim with a group dir under `stateDir`. */
export function killShims(stateDir: string): void {
  if (!fs.existsSync(stateDir)) return;
  for (const group of fs.readdirSync(stateDir)) killShim(stateDir, group);
}
