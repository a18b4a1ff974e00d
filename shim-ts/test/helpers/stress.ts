// Clients misbehaving at random while containers run and exit: attaches opened and cancelled or
// dropped at any point (by a cancel, or by killing the client's process), execs (with and without a
// terminal) killed or left to exit, waits and event streams cancelled. Afterwards the same shim
// process must serve, the bystander containers must still run, and no error may have needed the
// shim's last resort. Shared by the CI test (seconds) and the benchmark (minutes).
import * as fs from 'node:fs';
import { Status } from '@stack/proto/gen/containerd/types/task/task_pb';
import { LAST_RESORT_MARK } from '../../src/daemon/last-resort.js';
import { shimPaths } from '../../src/daemon/shim-paths.js';
import { attach, attachFromChild } from './attach-client.js';
import type { ShimFixture } from './shim-fixture.js';

export interface StressOptions {
  durationMs: number;
  /** Concurrent misbehaving clients. */
  workers: number;
  seed: number;
  log?: (m: string) => void;
}

export interface StressReport {
  seed: number;
  operations: Record<string, number>;
  containers: number;
  shimPid: number;
}

class RefusedCreate extends Error {}

/** mulberry32: a small seeded generator, so a failing run can be replayed with its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HANG_MS = 90_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const execSpec = (args: string[], terminal: boolean) => ({
  typeUrl: 'types.containerd.io/opencontainers/runtime-spec/1/Process',
  value: Buffer.from(JSON.stringify({ args, cwd: '/', env: ['PATH=/bin'], user: { uid: 0, gid: 0 }, terminal })),
});

export async function runStress(fx: ShimFixture, o: StressOptions): Promise<StressReport> {
  const rnd = random(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const ms = (max: number) => Math.floor(rnd() * max);
  const ops: Record<string, number> = {};
  const count = (op: string) => (ops[op] = (ops[op] ?? 0) + 1);
  const socket = shimPaths(fx.stateDir, fx.group).socket;
  let containers = 0;

  const start = async (args: string[], terminal = false): Promise<{ id: string; dir: string }> => {
    const b = await fx.bundle(args, (s) => {
      if (terminal) s.process.terminal = true;
    });
    const log = `jsonlog://${fx.logPath(b.id)}?max-size=1m&max-file=2`;
    try {
      await fx.task.create({ id: b.id, bundle: b.dir, stdin: 'attach:', stdout: log, stderr: terminal ? '' : log, terminal });
    } catch (err) {
      // A create that fails and says so is contained to its call (what this run checks); counted, not fatal.
      throw new RefusedCreate((err as Error).message);
    }
    await fx.task.start({ id: b.id });
    containers++;
    return b;
  };
  const remove = async (b: { id: string; dir: string }) => {
    await fx.task.kill({ id: b.id, signal: 9 }).catch(() => undefined); // it may have exited already
    await fx.task.wait({ id: b.id });
    await fx.task.delete({ id: b.id });
    fs.rmSync(b.dir, { recursive: true, force: true });
  };

  const shimPid = fx.shimPid();
  const bystanders = [await start(['sleep', '100000']), await start(['sh', '-c', 'while :; do echo tick; sleep 0.1; done']), await start(['sh'], true)];
  const target = await start(['sleep', '100000']);
  let execs = 0;

  /** One random misbehaviour; each awaits its own clean-up so nothing piles up. */
  const actions: Record<string, (step: (what: string) => void) => Promise<void>> = {
    async 'container attached, cancelled at random'() {
      const b = await start(['sh', '-c', `i=0; while [ $i -lt ${ms(3000)} ]; do echo line $i; i=$((i+1)); done; sleep 0.${ms(9)}; exit ${ms(5)}`]);
      const a = attach(fx, b.id);
      await sleep(ms(400));
      if (rnd() < 0.6) a.cancel();
      await a.done;
      await remove(b);
    },
    async 'exec attached, killed or cancelled'() {
      const execId = `e${++execs}`;
      const terminal = rnd() < 0.5;
      await fx.task.exec({ id: target.id, execId, stdin: 'attach:', terminal, spec: execSpec(pick([['seq', '1', String(ms(50000))], ['sleep', '1'], ['sh', '-c', 'yes | head -c 200000'], ['true']]), terminal) });
      // Started once attached; a cancel before `attached` leaves it created (deletable, never waited for).
      let started: boolean | undefined;
      const a = attach(fx, target.id, execId, async () => {
        started = false; // a failed start removes the exec
        await fx.task.start({ id: target.id, execId });
        started = true;
      });
      await sleep(ms(300));
      if (rnd() < 0.4) a.cancel();
      if (rnd() < 0.3) await fx.task.kill({ id: target.id, execId, signal: 9 }).catch(() => undefined);
      await a.done;
      if (started) await fx.task.wait({ id: target.id, execId });
      if (started !== false) await fx.task.delete({ id: target.id, execId });
    },
    async 'client process killed mid-attach'() {
      const b = await start(['sh', '-c', 'while read l; do echo "$l"; done']);
      const child = await attachFromChild(fx, socket, b.id);
      await sleep(ms(300));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      if (rnd() < 0.5) await sleep(ms(200));
      await remove(b);
    },
    async 'waits and event streams cancelled while a container exits'(step) {
      const b = await start(['sleep', `0.${ms(9) + 1}`]);
      step(`started ${b.id}`);
      const acs = Array.from({ length: 4 }, () => new AbortController());
      const waits = acs.map((ac) => fx.task.wait({ id: b.id }, { signal: ac.signal }).catch(() => undefined));
      const evs = acs.map(async (ac) => {
        try {
          for await (const e of fx.streams.events({ afterSeq: 0n }, { signal: ac.signal })) void e;
        } catch {
          // cancelled
        }
      });
      await sleep(ms(600));
      for (const ac of acs) if (rnd() < 0.7) ac.abort();
      step(`waiting for ${b.id}`);
      await fx.task.wait({ id: b.id });
      for (const ac of acs) ac.abort();
      step(`cancelled waits and event streams of ${b.id}`);
      await Promise.all([...waits.map((w, i) => w.then(() => step(`wait ${i} ended`))), ...evs.map((e, i) => e.then(() => step(`events ${i} ended`)))]);
      step(`removing ${b.id}`);
      await remove(b);
    },
    async 'attach to a process that is gone or never was'() {
      const a = attach(fx, pick([target.id, 'no-such-task']), pick(['', 'no-such-exec']));
      await sleep(ms(100));
      a.cancel();
      await a.done;
    },
  };

  const names = Object.keys(actions);
  const end = Date.now() + o.durationMs;
  const worker = async () => {
    while (Date.now() < end) {
      const name = pick(names);
      // A watchdog, not a timing check: an action that never ends is a hang to report, not wait out.
      let timer: NodeJS.Timeout | undefined;
      const steps: string[] = [];
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`"${name}" did not finish within ${HANG_MS / 1000} s (after: ${steps.join(', ') || 'no step'})`)), HANG_MS);
      });
      try {
        await Promise.race([actions[name]!((what) => steps.push(what)), hung]);
        count(name);
      } catch (err) {
        if (!(err instanceof RefusedCreate)) throw err;
        count(`create failed (${err.message})`);
      } finally {
        clearTimeout(timer);
      }
    }
  };
  await Promise.all(Array.from({ length: o.workers }, worker));

  // The verdict: the same shim, bystanders running, nothing reached the last resort.
  const log = fs.readFileSync(shimPaths(fx.stateDir, fx.group).logFile, 'utf8');
  if (fx.shimPid() !== shimPid) throw new Error(`the shim was replaced (${shimPid} → ${fx.shimPid()})`);
  process.kill(shimPid, 0);
  for (const b of bystanders) {
    const st = await fx.task.state({ id: b.id });
    if (st.status !== Status.RUNNING) throw new Error(`bystander ${b.id} is ${Status[st.status]}, not RUNNING`);
  }
  if (log.includes(LAST_RESORT_MARK)) throw new Error(`an error reached the shim's last resort:\n${log.split('\n').filter((l) => l.includes(LAST_RESORT_MARK)).join('\n')}`);
  for (const b of [...bystanders, target]) await remove(b);
  o.log?.(`seed ${o.seed}: ${containers} containers, ${JSON.stringify(ops)}`);
  return { seed: o.seed, operations: ops, containers, shimPid };
}
