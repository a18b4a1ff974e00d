// How to tell the port proxy process from any other: it renames itself (process.title) once it
// runs, which rewrites /proc/PID/cmdline, so its script name is only there in the moment before.
import * as fs from 'node:fs';

export const PROXY_TITLE = 'engine-proxy';

/** The pid is a port proxy (not a recycled pid of some other program). */
export function isProxyProcess(pid: number): boolean {
  let argv: string[];
  try {
    argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return false;
  }
  return argv[0] === PROXY_TITLE || argv.some((a) => a.endsWith('/proxy-main.js'));
}
