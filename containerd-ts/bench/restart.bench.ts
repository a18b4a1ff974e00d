// Restarting the daemon while containers run: containerd-ts (bin/containerd-ts, as installed)
// against Debian's containerd 1.6, with the same number of busybox `sleep` containers in each.
// Timed: from spawning the daemon until Tasks.List answers and shows every container RUNNING; the
// stop before each run is not timed. The containers (and their shims) keep running throughout.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBusyboxImage, removeCgroupTree, removeCtrFifos, startReferenceContainerd, type BenchSuite } from '@stack/tools';
import { connectStackLight } from '../src/client/client.js';

const DAEMON = path.resolve(__dirname, '../../bin/containerd-ts');
const CTR_TS = path.resolve(__dirname, '../../bin/ctr-ts');
const IMAGE = 'docker.io/library/busybox:latest';
/** How many containers run during the restarts (RESTART_BENCH_COUNTS=20,100 by default). */
const COUNTS = (process.env.RESTART_BENCH_COUNTS ?? '20,100').split(',').map(Number);
const RUNNING = 2; // containerd.v1.types.Status.RUNNING

interface Daemon {
  label: string;
  socket: string;
  start(): ChildProcess;
  cli(ns: string, args: string[]): string[];
}

function must(argv: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.once('error', reject);
    c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(' ')}: exit ${code}: ${err.slice(-400)}`))));
  });
}

/** Polls Tasks.List until `n` tasks run (each try a fresh connection: the socket comes and goes). */
async function untilRunning(socket: string, ns: string, n: number, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (fs.existsSync(socket)) {
      const c = connectStackLight(socket, ns);
      try {
        const { tasks } = await c.tasks.list({});
        if (tasks.filter((t) => t.status === RUNNING).length >= n) return;
      } catch {
        // not serving yet
      } finally {
        c.close();
      }
    }
    if (Date.now() > end) throw new Error(`${socket}: ${n} running tasks not listed within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const alive = (child: ChildProcess | undefined): child is ChildProcess => child !== undefined && child.exitCode === null && child.signalCode === null;

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!alive(child)) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  return exited;
}

async function removeAll(d: Daemon, ns: string, ids: string[]): Promise<void> {
  for (const id of ids) await must(d.cli(ns, ['tasks', 'kill', '-s', 'SIGKILL', id])).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 500));
  for (const id of ids) {
    await must(d.cli(ns, ['tasks', 'rm', '-f', id])).catch(() => undefined);
    await must(d.cli(ns, ['containers', 'rm', id])).catch(() => undefined);
  }
}

const suite: BenchSuite = {
  name: 'containerd-ts restart',
  async run(ctx) {
    const ns = `restart${process.pid}`;
    const oursDir = path.join(ctx.tmpDir, 'ctd-ts');
    const state = path.join(oursDir, 'state');
    const ours: Daemon = {
      label: 'containerd-ts',
      socket: path.join(state, 'containerd-ts.sock'),
      start: () => spawn(DAEMON, ['--root', path.join(oursDir, 'root'), '--state', state, '--address', path.join(state, 'containerd-ts.sock'), '--log-level', 'warn'], { stdio: 'ignore' }),
      cli: (n, args) => [CTR_TS, '--address', path.join(state, 'containerd-ts.sock'), '-n', n, ...args],
    };
    // The reference is started once by the tools (config written, readiness checked), then stopped
    // and started again from the same config for each run.
    const reference = await startReferenceContainerd({ dir: path.join(ctx.tmpDir, 'ctd') });
    await reference.stop();
    const theirs: Daemon = {
      label: 'containerd 1.6',
      socket: reference.socket,
      start: () => spawn('containerd', ['--config', path.join(reference.dir, 'config.toml')], { stdio: 'ignore' }),
      cli: (n, args) => ['ctr', '--address', reference.socket, '-n', n, ...args],
    };
    const running = new Map<Daemon, ChildProcess>();
    const started: Array<[Daemon, string[]]> = [];
    try {
      const archive = path.join(ctx.tmpDir, 'busybox.tar');
      await buildBusyboxImage({ outDir: path.join(ctx.tmpDir, 'image'), archivePath: archive });
      for (const d of [ours, theirs]) {
        running.set(d, d.start());
        await untilRunning(d.socket, ns, 0);
        await must(['ctr', '--address', d.socket, '-n', ns, 'images', 'import', archive]);
      }
      let have = 0;
      for (const n of COUNTS) {
        for (const d of [ours, theirs]) {
          const ids = Array.from({ length: n - have }, (_, k) => `r${d === ours ? 'a' : 'b'}-${have + k}`);
          for (let i = 0; i < ids.length; i += 10) await Promise.all(ids.slice(i, i + 10).map((id) => must(d.cli(ns, ['run', '-d', IMAGE, id, 'sleep', '3600']))));
          started.push([d, ids]);
          await untilRunning(d.socket, ns, n);
        }
        have = n;
        const variant = (d: Daemon) => ({
          label: d.label,
          run: async () => {
            running.set(d, d.start());
            await untilRunning(d.socket, ns, n);
          },
          after: () => stop(running.get(d)),
        });
        await ctx.compare({
          name: `restart with ${n} containers running, until Tasks.List shows them running (A: containerd-ts; B: containerd 1.6)`,
          setup: () => Promise.all([stop(running.get(ours)), stop(running.get(theirs))]),
          a: variant(ours),
          b: variant(theirs),
          warmup: 1,
          runs: 7,
        });
        for (const d of [ours, theirs]) {
          running.set(d, d.start());
          await untilRunning(d.socket, ns, n);
        }
      }
      ctx.note(
        'Both daemons reconnect to their running shims at start: containerd-ts to one shim-ts per namespace, containerd to one shim per container. ' +
          'containerd-ts runs its one-file bundle (node on a single script); its start-up garbage collection runs once it serves, as containerd\'s does after a start-up delay.',
      );
    } finally {
      for (const [d, ids] of started) {
        if (!alive(running.get(d))) {
          running.set(d, d.start());
          await untilRunning(d.socket, ns, 0).catch(() => undefined);
        }
        await removeAll(d, ns, ids);
        if (d === theirs) removeCtrFifos(ids);
      }
      for (const child of running.values()) await stop(child);
      removeCgroupTree(`/${ns}`, { kill: true });
      fs.rmSync(`/run/containerd/runc/${ns}`, { recursive: true, force: true });
    }
  },
};

export default suite;
