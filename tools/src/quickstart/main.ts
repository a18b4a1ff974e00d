// The README's main job: start containerd-ts and engined as daemons (or reuse running ones), load
// a busybox image built from the host's static busybox (no network needed), and run a container
// from it with `engine run`.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { buildBusyboxImage } from '../image/busybox.js';

const REPO = path.resolve(__dirname, '../../../..');
const STATE = '/var/lib/stack-quickstart';
const LOGS = '/var/log/stack';
const CONTAINERD_SOCKET = '/run/containerd-ts/containerd-ts.sock';
const ENGINE_SOCKET = '/run/engine/engine.sock';
const CONTAINERD = path.join(REPO, 'containerd-ts/dist/src/cmd/containerd-ts.js');
const ENGINED = path.join(REPO, 'engine/bin/engined');
const ENGINE = path.join(REPO, 'engine/bin/engine');

function socketAnswers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(socket, () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

function engineAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath: ENGINE_SOCKET, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/** Starts a daemon in its own session with its log in LOGS; it outlives this script. */
async function daemonize(name: string, args: string[], ready: () => Promise<boolean>): Promise<void> {
  fs.mkdirSync(LOGS, { recursive: true });
  const logFile = path.join(LOGS, `${name}.log`);
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  child.unref();
  for (let i = 0; i < 300; i++) {
    if (await ready()) {
      console.log(`started ${name} (pid ${child.pid ?? '?'}, log ${logFile})`);
      return;
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not come up; see ${logFile}:\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-10).join('\n')}`);
}

function engine(args: string[]): number {
  console.log(`$ engine ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  return spawnSync(ENGINE, ['-H', `unix://${ENGINE_SOCKET}`, ...args], { stdio: 'inherit' }).status ?? 1;
}

async function main(): Promise<number> {
  if (await socketAnswers(CONTAINERD_SOCKET)) console.log(`containerd-ts is running (${CONTAINERD_SOCKET})`);
  else await daemonize('containerd-ts', [CONTAINERD], () => socketAnswers(CONTAINERD_SOCKET));
  if (await engineAnswers()) console.log(`engined is running (${ENGINE_SOCKET})`);
  else await daemonize('engined', [ENGINED, '--containerd', CONTAINERD_SOCKET], engineAnswers);
  const archive = path.join(STATE, 'busybox.tar');
  if (!fs.existsSync(archive)) {
    fs.mkdirSync(STATE, { recursive: true });
    const image = await buildBusyboxImage({ outDir: path.join(STATE, 'busybox-image'), archivePath: archive, repoTag: 'busybox:latest' });
    console.log(`built the busybox image ${image.manifestDigest} (${archive})`);
  }
  if (engine(['load', '-i', archive]) !== 0) return 1;
  return engine(['run', '--rm', '--name', `quickstart-${process.pid}`, 'busybox', 'sh', '-c', 'echo "Hello from an engine container: pid $$, host $(hostname), $(uname -sr)"; ls /']);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`quickstart: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
