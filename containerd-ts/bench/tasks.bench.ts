// Containers through containerd-ts + shim-ts + runc-ts (ctr-ts) against Debian's containerd + runc
// (stock ctr), the same busybox image imported into both: `run --rm … true` one at a time, 20
// `run -d … sleep 600` launched at once until all run, and the memory of each stack with 20 running.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { buildBusyboxImage, median, removeCgroupTree, removeCtrFifos, startReferenceContainerd, type BenchContext, type BenchSuite, type ReferenceContainerd } from '@stack/tools';
import { connectStack, type StackClient } from '../src/client/client.js';
import { newContainer, removeContainer } from '../src/client/new-container.js';
import { DEFAULT_SHIM_IDLE_MS } from '../src/core/tasks/task-runtime.js';

/** The daemon as installed (bin/containerd-ts: node with the daemon's V8 flags). */
const DAEMON = path.resolve(__dirname, '../../bin/containerd-ts');
/** The installed command (node on the startup snapshot that `npm run build` makes). */
const CTR_TS = path.resolve(__dirname, '../../bin/ctr-ts');
const IMAGE = 'docker.io/library/busybox:latest';
const CONCURRENT = 20;
const RUNNING = 2; // containerd.v1.types.Status.RUNNING

interface Stack {
  label: string;
  socket: string;
  daemonPid: number;
  /** The stack's processes besides the daemon: its shims. */
  shimPids(): number[];
  /** The client command line for a namespace. */
  cli(ns: string, args: string[]): string[];
  client(ns: string): StackClient;
}

function exec(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.once('error', reject);
    c.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function must(argv: string[]): Promise<string> {
  const r = await exec(argv);
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: exit ${r.code}: ${r.stderr.slice(-500)}`);
  return r.stdout;
}

async function startContainerdTs(dir: string): Promise<{ socket: string; state: string; child: ChildProcess }> {
  const state = path.join(dir, 'state');
  const socket = path.join(state, 'containerd-ts.sock');
  const child = spawn(DAEMON, ['--root', path.join(dir, 'root'), '--state', state, '--address', socket, '--log-level', 'warn'], { stdio: 'ignore' });
  for (let i = 0; i < 400 && !fs.existsSync(socket); i++) {
    if (child.exitCode !== null) throw new Error(`containerd-ts exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return { socket, state, child };
}

/** PSS, USS (private) and RSS of a process in KiB, from /proc/<pid>/smaps_rollup. */
function memoryOf(pid: number): { pss: number; uss: number; rss: number } {
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { pss: kb('Pss'), uss: kb('Private_Clean') + kb('Private_Dirty'), rss: kb('Rss') };
}

function sumMemory(pids: number[]): { pss: number; uss: number; rss: number } {
  return pids.map(memoryOf).reduce((a, m) => ({ pss: a.pss + m.pss, uss: a.uss + m.uss, rss: a.rss + m.rss }), { pss: 0, uss: 0, rss: 0 });
}

async function waitAllRunning(c: StackClient, ids: string[]): Promise<void> {
  const want = new Set(ids);
  for (let i = 0; i < 600; i++) {
    const { tasks } = await c.tasks.list({});
    if (tasks.filter((t) => want.has(t.id) && t.status === RUNNING).length === want.size) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the containers did not all reach RUNNING within 6 s');
}

/** Kills and deletes tasks, records and snapshots (as `ctr task rm -f; ctr c rm` would). */
async function removeAll(c: StackClient, ids: string[]): Promise<void> {
  await Promise.all(
    ids.map(async (id) => {
      const waited = c.tasks.wait({ containerId: id }).catch(() => undefined);
      await c.tasks.kill({ containerId: id, signal: 9, all: true }).catch(() => undefined);
      await waited;
      await c.tasks.delete({ containerId: id }).catch(() => undefined);
      await removeContainer(c, id, 'overlayfs', id).catch(() => undefined);
    }),
  );
}

/** Launches `n` detached sleeps at once through the stack's CLI; resolves when all run. */
async function startConcurrently(s: Stack, ns: string, prefix: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, k) => `${prefix}-${k}`);
  await Promise.all(ids.map((id) => must(s.cli(ns, ['run', '-d', IMAGE, id, 'sleep', '600']))));
  const c = s.client(ns);
  try {
    await waitAllRunning(c, ids);
  } finally {
    c.close();
  }
  return ids;
}

async function cleanup(s: Stack, ns: string, ids: string[]): Promise<void> {
  const c = s.client(ns);
  try {
    await removeAll(c, ids);
  } finally {
    c.close();
  }
  removeCtrFifos(ids);
}

/** What `ctr-ts run -d IMAGE id CMD…` asks of the daemon, from a client that is already running. */
async function startFromClient(c: StackClient, id: string, args: string[]): Promise<void> {
  const ctr = await newContainer(c, { id, image: IMAGE, args, env: [], mounts: [], tty: false });
  await Promise.all([c.tasks.create({ containerId: id, rootfs: ctr.rootfs }), ctr.leaseReleased]);
  await c.tasks.start({ containerId: id });
}

/** `run --rm IMAGE id true` from a client that is already running (no stdio): the API work without a CLI boot. */
async function runFromClient(c: StackClient, id: string): Promise<void> {
  await startFromClient(c, id, ['true']);
  await c.tasks.wait({ containerId: id });
  await c.tasks.delete({ containerId: id });
  await removeContainer(c, id, 'overlayfs', id);
}

/** `n` containers started at once by one running client, until all run. */
async function startManyFromClient(c: StackClient, prefix: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, k) => `${prefix}-${k}`);
  await Promise.all(ids.map((id) => startFromClient(c, id, ['sleep', '600'])));
  await waitAllRunning(c, ids);
  return ids;
}

interface Phases {
  wall: number;
  firstCall: number;
  api: number;
  create: number;
  start: number;
  remove: number;
}

/** One traced `ctr-ts run --rm` (CTR_TS_TRACE=1): when the first call starts, and how long the calls take. */
async function tracedRun(ours: Stack, ns: string, id: string): Promise<Phases> {
  const t0 = performance.now();
  const r = await exec(ours.cli(ns, ['run', '--rm', IMAGE, id, 'true']), { ...process.env, CTR_TS_TRACE: '1' });
  const wall = performance.now() - t0;
  if (r.code !== 0) throw new Error(`traced run: ${r.stderr}`);
  const calls = [...r.stderr.matchAll(/^trace: ([\d.]+) → ([\d.]+) ms (\S+)$/gm)].map((m) => ({ start: Number(m[1]), end: Number(m[2]), path: m[3] as string }));
  const dur = (p: string) => calls.filter((x) => x.path.endsWith(p)).reduce((a, x) => a + x.end - x.start, 0);
  const first = Math.min(...calls.map((x) => x.start));
  return { wall, firstCall: first, api: Math.max(...calls.map((x) => x.end)) - first, create: dur('Tasks/Create'), start: dur('Tasks/Start'), remove: dur('Tasks/Delete') + dur('Snapshots/Remove') };
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} MiB`;

async function memoryNote(ctx: BenchContext, stacks: Stack[], ns: string): Promise<void> {
  const lines: string[] = [];
  const perContainer: number[] = [];
  for (const s of stacks) {
    const ids = await startConcurrently(s, ns, `mem-${s.label.split(' ')[0]}`, CONCURRENT);
    try {
      await new Promise((r) => setTimeout(r, 2000)); // let start-up garbage be collected
      const shims = s.shimPids();
      const daemon = memoryOf(s.daemonPid);
      const shim = sumMemory(shims);
      const total = { pss: daemon.pss + shim.pss, uss: daemon.uss + shim.uss, rss: daemon.rss + shim.rss };
      perContainer.push(total.pss / CONCURRENT);
      lines.push(
        `${s.label}: daemon PSS ${kib(daemon.pss)} + ${shims.length} shim process${shims.length === 1 ? '' : 'es'} PSS ${kib(shim.pss)} = ${kib(total.pss)}, ` +
          `**${kib(total.pss / CONCURRENT)} per container** (USS ${kib(total.uss / CONCURRENT)}, RSS ${kib(total.rss / CONCURRENT)} per container)`,
      );
    } finally {
      await cleanup(s, ns, ids);
    }
  }
  const [ours, theirs] = perContainer as [number, number];
  ctx.note(
    `Memory with ${CONCURRENT} containers running (\`sleep 600\`), summed over the stack's own processes — the daemon and its shims, ` +
      `not the containers' processes — from /proc/<pid>/smaps_rollup, divided by ${CONCURRENT}: ${lines.join('; ')}. ` +
      `Ours/theirs per container: ${(ours / theirs).toFixed(2)}. shim-ts serves every container of a namespace from one Node process by design; ` +
      `containerd runs one Go shim per container. PSS splits pages shared between processes (so Node's binary pages are shared between the daemon, ` +
      `the shim and any other Node process on the machine); USS counts only each process's private pages.`,
  );
}

const suite: BenchSuite = {
  name: 'containerd-ts tasks',
  async run(ctx) {
    const ns = `bench${process.pid}`;
    let oursDaemon: Awaited<ReturnType<typeof startContainerdTs>> | undefined;
    let reference: ReferenceContainerd | undefined;
    try {
      oursDaemon = await startContainerdTs(path.join(ctx.tmpDir, 'ctd-ts'));
      reference = await startReferenceContainerd({ dir: path.join(ctx.tmpDir, 'ctd') });
      const ref = reference;
      const od = oursDaemon;
      const ours: Stack = {
        label: 'containerd-ts + shim-ts',
        socket: od.socket,
        daemonPid: od.child.pid as number,
        shimPids: () => {
          const dir = path.join(od.state, 'shims');
          return fs.readdirSync(dir).flatMap((g) => (fs.existsSync(path.join(dir, g, 'shim.pid')) ? [Number(fs.readFileSync(path.join(dir, g, 'shim.pid'), 'utf8'))] : []));
        },
        cli: (n, args) => [CTR_TS, '--address', od.socket, '-n', n, ...args],
        client: (n) => connectStack(od.socket, n),
      };
      const theirs: Stack = {
        label: 'containerd 1.6 + runc shims',
        socket: ref.socket,
        daemonPid: ref.process.pid as number,
        shimPids: () =>
          fs.readdirSync('/proc').flatMap((p) => {
            if (!/^\d+$/.test(p)) return [];
            try {
              const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
              return cmd[0]?.endsWith('containerd-shim-runc-v2') && cmd[cmd.indexOf('-address') + 1] === ref.socket ? [Number(p)] : [];
            } catch {
              return [];
            }
          }),
        cli: (n, args) => ['ctr', '--address', ref.socket, '-n', n, ...args],
        client: (n) => connectStack(ref.socket, n),
      };

      const archive = path.join(ctx.tmpDir, 'busybox.tar');
      await buildBusyboxImage({ outDir: path.join(ctx.tmpDir, 'image'), archivePath: archive });
      for (const s of [ours, theirs]) await must(['ctr', '--address', s.socket, '-n', ns, 'images', 'import', archive]);
      // A first container in each stack (our namespace's shim starts here and then stays).
      for (const s of [ours, theirs]) await must(s.cli(ns, ['run', '--rm', IMAGE, `first-${s === ours ? 'a' : 'b'}`, 'true']));

      const fmt = (ms: number) => ms.toFixed(0);
      // ctr-ts runs traced (CTR_TS_TRACE=1: a few lines on stderr) so that the timed runs also tell where their time went.
      const traced: Phases[] = [];
      const rm = await ctx.compare({
        name: 'run --rm busybox true (fresh id per run)',
        warmup: 3,
        runs: 20,
        a: {
          label: 'ctr-ts run --rm (containerd-ts)',
          run: async (i) => {
            const phases = await tracedRun(ours, ns, `rm-a-${i}`);
            if (i >= 3) traced.push(phases); // after the warm-up
          },
        },
        b: { label: 'ctr run --rm (containerd 1.6)', run: (i) => must(theirs.cli(ns, ['run', '--rm', IMAGE, `rm-b-${i}`, 'true'])) },
      });
      // Node as bin/ctr-ts starts it: without NODE_EXTRA_CA_CERTS, whose file node would parse at start-up (~35 ms for a system bundle).
      const boot = await ctx.measure({ name: 'floor: node boot alone', warmup: 2, runs: 20, variant: { label: 'node -e 0, as bin/ctr-ts starts it', cmd: ['env', '-u', 'NODE_EXTRA_CA_CERTS', process.execPath, '-e', '0'] } });
      const version = await ctx.measure({ name: 'floor: ctr-ts boot + one connection', warmup: 2, runs: 20, variant: { label: 'ctr-ts version (2 calls)', cmd: ours.cli(ns, ['version']) } });
      const clients = { a: connectStack(ours.socket, ns), b: connectStack(theirs.socket, ns) };
      let api: Awaited<ReturnType<BenchContext['compare']>>;
      try {
        api = await ctx.compare({
          name: 'the API work of run --rm true, from a running client (no CLI boot, no stdio)',
          warmup: 3,
          runs: 20,
          a: { label: 'containerd-ts', run: (i) => runFromClient(clients.a, `api-a-${i}`) },
          b: { label: 'containerd 1.6', run: (i) => runFromClient(clients.b, `api-b-${i}`) },
        });
      } finally {
        clients.a.close();
        clients.b.close();
      }
      const m = (k: keyof Phases) => fmt(median(traced.map((p) => p[k])));
      ctx.note(
        `**run --rm**: ctr-ts ${fmt(rm.a.median)} ms against ctr's ${fmt(rm.b.median)} ms (${rm.ratio.toFixed(2)}×). Where a \`ctr-ts run --rm\` goes ` +
          `(medians of the timed runs, traced, in ms since the process started): its first call to the daemon starts at ${m('firstCall')} ms — ` +
          `Node's own boot (\`node -e 0\`: ${fmt(boot.variant.median)} ms), then V8 deserializing ctr-ts's startup snapshot (commands, yargs, ` +
          `protobuf-es and service descriptors already loaded; without it loading them costs ~90 ms more; bin/ctr-ts also unsets NODE_EXTRA_CA_CERTS, ` +
          `which node would parse at start-up and ctr-ts never uses), node:http2 (it cannot be in a snapshot) ` +
          `and parsing the command line (\`ctr-ts version\`, boot plus two calls: ${fmt(version.variant.median)} ms). The calls then take ${m('api')} ms: ` +
          `Tasks.Create ${m('create')} ms (overlay mount, runc-ts creating the container in the shim: namespaces, cgroups, pivot_root), ` +
          `Tasks.Start ${m('start')} ms, Tasks.Delete + Snapshots.Remove ${m('remove')} ms, the rest image, lease, snapshot and container records ` +
          `(13 calls, several in parallel). From a client that is already running, the same API work takes ${fmt(api.a.median)} ms on ` +
          `containerd-ts against ${fmt(api.b.median)} ms on containerd (${api.ratio.toFixed(2)}×): the stack is not what costs; the CLI's boot is. ` +
          `Go's ctr starts in ~10 ms, so a Node CLI's floor here is its boot (the first-call time above) plus the API work, and ≤ 1.0× ` +
          `against ctr is out of reach for ctr-ts.`,
      );

      const c20 = await ctx.compare({
        name: `${CONCURRENT} × run -d busybox sleep 600, launched at once, until all RUNNING`,
        warmup: 1,
        runs: 5,
        a: { label: `${CONCURRENT} × ctr-ts run -d`, run: (i) => startConcurrently(ours, ns, `c-a-${i}`, CONCURRENT), after: (i) => cleanup(ours, ns, Array.from({ length: CONCURRENT }, (_, k) => `c-a-${i}-${k}`)) },
        b: { label: `${CONCURRENT} × ctr run -d`, run: (i) => startConcurrently(theirs, ns, `c-b-${i}`, CONCURRENT), after: (i) => cleanup(theirs, ns, Array.from({ length: CONCURRENT }, (_, k) => `c-b-${i}-${k}`)) },
      });
      const many = { a: connectStack(ours.socket, ns), b: connectStack(theirs.socket, ns) };
      let m20: Awaited<ReturnType<BenchContext['compare']>>;
      try {
        m20 = await ctx.compare({
          name: `${CONCURRENT} containers started at once by one running client (no CLI boots), until all RUNNING`,
          warmup: 1,
          runs: 5,
          a: { label: 'containerd-ts', run: (i) => startManyFromClient(many.a, `m-a-${i}`, CONCURRENT), after: (i) => removeAll(many.a, Array.from({ length: CONCURRENT }, (_, k) => `m-a-${i}-${k}`)) },
          b: { label: 'containerd 1.6', run: (i) => startManyFromClient(many.b, `m-b-${i}`, CONCURRENT), after: (i) => removeAll(many.b, Array.from({ length: CONCURRENT }, (_, k) => `m-b-${i}-${k}`)) },
        });
      } finally {
        many.a.close();
        many.b.close();
      }
      const v20 = await ctx.compare({
        name: `floor of the CLI: ${CONCURRENT} × version launched at once`,
        warmup: 1,
        runs: 5,
        a: { label: `${CONCURRENT} × ctr-ts version`, run: () => Promise.all(Array.from({ length: CONCURRENT }, () => must(ours.cli(ns, ['version'])))) },
        b: { label: `${CONCURRENT} × ctr version`, run: () => Promise.all(Array.from({ length: CONCURRENT }, () => must(theirs.cli(ns, ['version'])))) },
      });
      ctx.note(
        `**${CONCURRENT} at once**: ${CONCURRENT} × ctr-ts run -d ${fmt(c20.a.median)} ms against ${fmt(c20.b.median)} ms for ctr (${c20.ratio.toFixed(2)}×). ` +
          `Each client is its own process, and ${CONCURRENT} Node processes share this machine's ${os.cpus().length} cores: ${CONCURRENT} × \`ctr-ts version\` ` +
          `alone, launched at once, takes ${fmt(v20.a.median)} ms (${CONCURRENT} × \`ctr version\`: ${fmt(v20.b.median)} ms) — the CLI's floor for this ` +
          `benchmark. The stacks themselves, driven by one running client, start ${CONCURRENT} containers in ${fmt(m20.a.median)} ms (containerd-ts: ` +
          `one shim-ts for the namespace, already running — it stays ${DEFAULT_SHIM_IDLE_MS / 1000} s after its last task — creating each ` +
          `container in-process with the runc-ts library) against ${fmt(m20.b.median)} ms (containerd: a new Go shim per container, runc exec'd ` +
          `for each create and start); the median of the pairwise ratios is ${m20.ratio.toFixed(2)}× (with 5 pairs on a shared machine, ` +
          `the medians are the steadier figure). Under ${CONCURRENT} CLIs the one shim-ts and the daemon compete with them for the cores ` +
          `(renicing them did not change the result): the ${CONCURRENT} Node boots are the cost.`,
      );

      await memoryNote(ctx, [ours, theirs], ns);
    } finally {
      // Whatever a failed step left running in either stack goes before the daemons do.
      for (const [socket, up] of [[oursDaemon?.socket, oursDaemon?.child.exitCode === null], [reference?.socket, reference?.process.exitCode === null]] as const) {
        if (!socket || !up) continue;
        const c = connectStack(socket, ns);
        try {
          await removeAll(c, (await c.tasks.list({})).tasks.map((t) => t.id));
          for await (const { container } of c.containers.listStream({})) if (container) await removeContainer(c, container.id, container.snapshotter, container.snapshotKey).catch(() => undefined);
        } catch (err) {
          ctx.log(`cleanup of ${socket}: ${(err as Error).message}`);
        } finally {
          c.close();
        }
      }
      if (oursDaemon && oursDaemon.child.exitCode === null) {
        const exited = new Promise((r) => oursDaemon?.child.once('exit', r));
        oursDaemon.child.kill('SIGTERM');
        await exited;
      }
      await reference?.stop();
      removeCgroupTree(`/${ns}`);
      // containerd 1.6 keeps runc state per namespace under /run/containerd whatever its config says.
      fs.rmSync(`/run/containerd/runc/${ns}`, { recursive: true, force: true });
    }
  },
};

export default suite;
