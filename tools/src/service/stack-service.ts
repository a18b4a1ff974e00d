// The stack as a service: containerd-ts, then engined, each a detached daemon with a pid file and a
// log; stopping stops the daemons only, so containers keep running under their shims and
// published ports under the port proxy.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { daemonPid, startDaemon, stopDaemon, type DaemonSpec } from './daemon-process.js';
import type { StackLayout } from './stack-layout.js';

const REPO = path.resolve(__dirname, '../../../..');
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

function pingAnswers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath: socket, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

function daemons(layout: StackLayout): [DaemonSpec, DaemonSpec] {
  return [
    {
      name: 'containerd-ts',
      bin: path.join(REPO, 'containerd-ts/bin/containerd-ts'),
      args: layout.containerdArgs,
      pidFile: layout.containerdPidFile,
      writesPidFile: true,
      argvSuffix: '/containerd-ts.js',
      logFile: path.join(layout.logDir, 'containerd-ts.log'),
      answers: () => socketAnswers(layout.containerdSocket),
    },
    {
      name: 'engined',
      bin: path.join(REPO, 'engine/bin/engined'),
      args: layout.engineArgs,
      pidFile: layout.enginePidFile,
      writesPidFile: false,
      argvSuffix: '/engined',
      logFile: path.join(layout.logDir, 'engined.log'),
      answers: () => pingAnswers(layout.engineSocket),
    },
  ];
}

function engine(layout: StackLayout, args: string[]): { status: number; output: string } {
  const r = spawnSync(ENGINE, ['-H', `unix://${layout.engineSocket}`, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}`.trim() };
}

/** Loads each seed image engined does not have yet (so `engine run hello-world` needs no network). */
function loadSeedImages(layout: StackLayout): void {
  for (const { tag, archive } of layout.seedImages) {
    if (engine(layout, ['inspect', '--type', 'image', tag]).status === 0) continue;
    if (!fs.existsSync(archive)) {
      console.log(`seed image ${tag}: ${archive} is missing (reinstall to build it)`);
      continue;
    }
    const r = engine(layout, ['load', '-i', archive]);
    if (r.status !== 0) throw new Error(`loading ${tag} from ${archive}: ${r.output}`);
    console.log(`loaded ${tag}`);
  }
}

export async function startStack(layout: StackLayout): Promise<void> {
  for (const d of daemons(layout)) {
    const r = await startDaemon(d);
    console.log(r.started ? `${d.name}: started (pid ${r.pid ?? '?'}, log ${d.logFile})` : `${d.name}: already running (pid ${r.pid ?? 'not from stackctl'})`);
  }
  loadSeedImages(layout);
}

export async function stopStack(layout: StackLayout, say: (line: string) => void = console.log): Promise<void> {
  for (const d of daemons(layout).reverse()) {
    const r = await stopDaemon(d);
    if (r.pid === undefined) say(`${d.name}: not running${(await d.answers()) ? ' from its pid file, yet its socket answers (not started by stackctl?)' : ''}`);
    else say(`${d.name}: stopped (pid ${r.pid}${r.killed ? ', killed after it ignored SIGTERM' : ''})`);
  }
  say('containers keep running; start the stack again to manage them');
}

export async function stackStatus(layout: StackLayout): Promise<number> {
  let up = 0;
  for (const d of daemons(layout)) {
    const pid = daemonPid(d);
    const answers = await d.answers();
    if (answers) up++;
    console.log(`${d.name.padEnd(14)}${answers ? 'running' : 'stopped'}${pid !== undefined ? `  pid ${pid}` : ''}  log ${d.logFile}`);
  }
  return up === 2 ? 0 : 3;
}

