// `shim-ts keep` (with `start --keeper`): the first step of containers outliving their shim. A small
// process that is the child subreaper and the parent of the serving shim, and does nothing else.
// When the server dies (kill -9, a crash), its containers are reparented here instead of to pid 1;
// the keeper waits for them and writes the exit records the server would have written, so their
// real statuses are still reported (`shim-ts delete`). It leaves with the server when the server
// exits normally, or once the last orphaned container it adopted has exited.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exitCodeOf, linuxSyscalls as sys } from '@stack/runc-ts';
import { findProcess, readExit, recordExit } from '../exit/exit-record.js';
import { installLastResort } from './last-resort.js';
import { log } from './log.js';
import { shimPaths } from './shim-paths.js';

const PR_SET_CHILD_SUBREAPER = 36;
const WNOHANG = 1;
const SHIM_BIN = path.resolve(__dirname, '../../../bin/shim-ts');
/** How often the keeper looks for exited orphans, besides on SIGCHLD. */
const SCAN_MS = 500;

export interface KeepOptions {
  stateDir: string;
  group: string;
  runtimeRoot: string;
}

/** Pids whose parent is this process, with whether each is a zombie. */
function children(): { pid: number; zombie: boolean }[] {
  const out: { pid: number; zombie: boolean }[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (name.charCodeAt(0) > 57) continue; // not a pid
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === process.pid) out.push({ pid: Number(name), zombie: rest[0] === 'Z' });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export function keep(opts: KeepOptions): void {
  const paths = shimPaths(opts.stateDir, opts.group);
  sys.prctl(PR_SET_CHILD_SUBREAPER, 1);
  installLastResort(log);
  fs.writeFileSync(paths.keeperPidFile, String(process.pid));
  const server = spawn(SHIM_BIN, ['serve', '--state-dir', opts.stateDir, '--group', opts.group, '--runtime-root', opts.runtimeRoot], {
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: paths.dir,
  });
  let serverGone = false;

  const leave = () => {
    fs.rmSync(paths.keeperPidFile, { force: true });
    process.exit(0);
  };
  // Zombies other than the server (libuv reaps that one) are containers adopted from a dead server.
  const reap = () => {
    for (const c of children()) {
      if (!c.zombie || c.pid === server.pid) continue;
      let raw: number;
      try {
        [, raw] = sys.waitpid(c.pid, WNOHANG);
      } catch {
        continue; // reaped meanwhile
      }
      const owner = findProcess(paths.tasksDir, c.pid);
      if (!owner) continue; // not a task's process (a container's child that was orphaned)
      if (readExit(owner.taskDir, owner.execId)) continue; // the server recorded it before it died
      const status = exitCodeOf(raw);
      recordExit(owner.taskDir, owner.execId, { pid: c.pid, status, exitedAt: new Date() });
      log('info', `keeper: recorded the exit ${status} of pid ${c.pid} (${path.relative(paths.tasksDir, owner.taskDir)}${owner.execId ? `/${owner.execId}` : ''})`);
    }
    if (serverGone && children().length === 0) leave();
  };

  server.once('exit', (code, signal) => {
    serverGone = true;
    if (code === 0) leave();
    log('error', `keeper: the server (pid ${server.pid}) died (${signal ?? `exit ${code}`}); keeping its containers' exits`);
    reap();
  });
  process.on('SIGCHLD', () => setImmediate(reap));
  setInterval(reap, SCAN_MS);
  // Signals meant for the shim reach the server; the keeper itself outlives them to keep the exits.
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => server.kill(sig));
  process.on('SIGPIPE', () => undefined);
}
