// docker stats against engined and against Debian's dockerd (its own containerd, no bridge), with
// ten running containers on each side: the CPU time each daemon stack (daemon, containerd, shims)
// spends while the stock docker client streams stats for all of them, in alternating rounds, and
// the time of a `docker stats --no-stream` round trip.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { startReferenceContainerd, startReferenceDockerd, DOCKER_CLI, type BenchContext, type BenchSuite } from '@stack/tools';
import { startStack } from '../test/support/stack.js';

const CONTAINERS = 10;
const ROUNDS = 3;
const ROUND_MS = 15_000;

/** Pids whose command line mentions `marker` (the daemons and shims of one side, by their private paths), the docker client left out. */
function pidsMentioning(marker: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmdline.includes(marker) && !cmdline.startsWith(`${DOCKER_CLI}\0`)) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

/** utime + stime of the pids, in ms (USER_HZ 100). */
function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const p of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name: utime and stime are the 12th and 13th.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone
    }
  }
  return ticks * 10;
}

async function streamRound(host: string, pids: () => number[]): Promise<number> {
  const child = spawn(DOCKER_CLI, ['--host', host, 'stats'], { stdio: ['ignore', 'ignore', 'ignore'] });
  await new Promise((r) => setTimeout(r, 2000));
  const before = cpuMs(pids());
  await new Promise((r) => setTimeout(r, ROUND_MS));
  const used = cpuMs(pids()) - before;
  child.kill();
  await new Promise((r) => child.once('exit', r));
  return used;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const suite: BenchSuite = {
  name: 'engine-stats',
  async run(ctx: BenchContext) {
    const stack = await startStack();
    const refDir = path.join(ctx.tmpDir, 'ref');
    const refCtd = await startReferenceContainerd({ dir: path.join(refDir, 'containerd') });
    const dockerd = await startReferenceDockerd({ containerdSocket: refCtd.socket, dir: path.join(refDir, 'dockerd') });
    try {
      const loaded = await dockerd.docker(['load', '-i', stack.busyboxArchive]);
      if (loaded.code !== 0) throw new Error(`docker load: ${loaded.stderr}`);
      for (let i = 0; i < CONTAINERS; i++) {
        for (const run of [stack.docker, dockerd.docker]) {
          const r = await run(['run', '-d', '--network', 'none', '--name', `s${i}`, 'busybox', 'sleep', '100000']);
          if (r.code !== 0) throw new Error(r.stderr);
        }
      }
      // containerd's shims name their containerd by its socket; ours live under the stack's dir.
      const ours = () => pidsMentioning(stack.dir);
      const theirs = () => [...pidsMentioning(refDir), ...pidsMentioning(refCtd.socket)];
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        a.push(await streamRound(stack.host, ours));
        b.push(await streamRound(dockerd.host, theirs));
      }
      const perSec = (ms: number) => (ms / (ROUND_MS / 1000)).toFixed(0);
      ctx.note(
        `streaming \`docker stats\` for ${CONTAINERS} containers, CPU of the daemon stack per second (median of ${ROUNDS} rounds of ${ROUND_MS / 1000} s): ` +
          `engined+containerd-ts+shim-ts ${perSec(median(a))} ms/s, dockerd+containerd+shims ${perSec(median(b))} ms/s (ratio ${(median(a) / median(b)).toFixed(2)}); rounds ${a.join('/')} vs ${b.join('/')} ms.`,
      );
      await ctx.compare({
        name: `stats --no-stream (${CONTAINERS} containers)`,
        a: { label: 'docker stats --no-stream → engined', cmd: [DOCKER_CLI, '--host', stack.host, 'stats', '--no-stream'] },
        b: { label: 'docker stats --no-stream → dockerd', cmd: [DOCKER_CLI, '--host', dockerd.host, 'stats', '--no-stream'] },
        warmup: 1,
        runs: 5,
      });
    } finally {
      for (let i = 0; i < CONTAINERS; i++) await dockerd.docker(['rm', '-f', `s${i}`]);
      await dockerd.stop();
      await refCtd.stop();
      await stack.cleanup();
    }
  },
};

export default suite;
