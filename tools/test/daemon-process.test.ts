// stackctl's daemon handling with stand-in programs: a daemon that fails at start is reported with
// the end of its log, one that runs is stopped by its pid file, and a stale pid file that names some
// other program's pid never gets that program killed.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { daemonPid, startDaemon, stopDaemon, type DaemonSpec } from '../src/service/daemon-process.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

let dir: string;
const cleanups: Array<() => void> = [];
beforeEach(() => {
  dir = makeTempDir('daemon-process');
});
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  removeTempDir(dir);
});

function answersOn(socket: string): () => Promise<boolean> {
  return () =>
    new Promise((resolve) => {
      const c = net.connect(socket, () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
}

/** A stand-in daemon: a node script named `<name>.js` that listens on a unix socket. */
function standIn(name: string, body: string): DaemonSpec {
  const script = path.join(dir, `${name}.js`);
  fs.writeFileSync(script, body);
  const socket = path.join(dir, `${name}.sock`);
  return { name, bin: process.execPath, args: [script, socket], pidFile: path.join(dir, 'run', `${name}.pid`), writesPidFile: true, argvSuffix: `/${name}.js`, logFile: path.join(dir, 'log', `${name}.log`), answers: answersOn(socket) };
}

test('a daemon that exits at start is reported with the end of its log', async () => {
  const d = standIn('broken', "console.error('config: unknown key frob'); process.exit(3);");
  await expect(startDaemon(d, 20_000)).rejects.toThrow(/broken did not come up \(status 3\); the end of .*broken\.log:\nconfig: unknown key frob/);
  expect(fs.existsSync(d.pidFile)).toBe(false);
});

test('start, already running, stop by pid file', async () => {
  const d = standIn('good', "require('net').createServer().listen(process.argv[2]); process.on('SIGTERM', () => process.exit(0));");
  const started = await startDaemon(d, 20_000);
  cleanups.push(() => started.pid !== undefined && daemonPid(d) === started.pid && process.kill(started.pid, 'SIGKILL'));
  expect(started.started).toBe(true);
  expect(daemonPid(d)).toBe(started.pid);
  expect(await startDaemon(d)).toEqual({ pid: started.pid, started: false });
  expect(await stopDaemon(d)).toEqual({ pid: started.pid, killed: false });
  expect(daemonPid(d)).toBeUndefined();
  expect(await d.answers()).toBe(false);
});

test('a stale pid file naming another program: not that daemon, never signalled', async () => {
  const d = standIn('stale', '');
  const other = spawn('sleep', ['60'], { stdio: 'ignore' });
  cleanups.push(() => other.kill('SIGKILL'));
  fs.mkdirSync(path.dirname(d.pidFile), { recursive: true });
  fs.writeFileSync(d.pidFile, `${other.pid}\n`);
  expect(daemonPid(d)).toBeUndefined();
  expect(await stopDaemon(d)).toEqual({ pid: undefined, killed: false });
  expect(other.exitCode).toBeNull();
  expect(fs.existsSync(`/proc/${other.pid}`)).toBe(true);
});
