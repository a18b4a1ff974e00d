// pull+unpack from a local registry: ctr-ts into containerd-ts (server-side pull) against Debian's
// `ctr images pull --plain-http` into Debian's containerd, each run a fresh image (own digests)
// so nothing is reused, nothing deleted between timed runs. Also idle RSS of both daemons.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { pushOciLayout, startReferenceContainerd, startRegistry, writeOciImage, type BenchContext, type BenchSuite, type LayerEntry, type ReferenceContainerd, type Registry } from '@stack/tools';
import { connectStack } from '../src/client/client.js';

const DAEMON = path.resolve(__dirname, '../src/cmd/containerd-ts.js');
// What users run: node on ctr-ts's startup snapshot, as bin/ctr-ts starts it.
const CTR_TS = path.resolve(__dirname, '../../bin/ctr-ts');

interface Daemon {
  socket: string;
  child: ChildProcess;
}

async function waitFor(file: string, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (fs.existsSync(file)) return;
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} did not create ${file}`);
}

async function startContainerdTs(dir: string): Promise<Daemon> {
  const socket = path.join(dir, 'state', 'containerd-ts.sock');
  const child = spawn(process.execPath, [DAEMON, '--root', path.join(dir, 'root'), '--state', path.join(dir, 'state'), '--address', socket, '--log-level', 'warn'], { stdio: 'ignore' });
  await waitFor(socket, child, 'containerd-ts');
  return { socket, child };
}

async function stop(d: Daemon | undefined): Promise<void> {
  if (!d || d.child.exitCode !== null) return;
  const exited = new Promise((r) => d.child.once('exit', r));
  d.child.kill('SIGTERM');
  await exited;
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** Regular files (and symlinks) from a host tree up to a byte budget, as layer entries. */
function hostFiles(root: string, budget: number): { entries: LayerEntry[]; bytes: number } {
  const entries: LayerEntry[] = [];
  let bytes = 0;
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      if (bytes >= budget) return;
      const p = path.join(dir, name);
      const st = fs.lstatSync(p);
      const rel = path.relative('/', p);
      if (st.isDirectory()) walk(p);
      else if (st.isSymbolicLink()) entries.push({ path: rel, type: 'symlink', linkname: fs.readlinkSync(p) });
      else if (st.isFile() && st.size < 16 * 1024 * 1024) {
        entries.push({ path: rel, type: 'file', source: p, mode: st.mode & 0o7777 });
        bytes += st.size;
      }
    }
  };
  walk(root);
  return { entries, bytes };
}

/** Splits entries into n layers; each layer gets the run's marker so every run has new digests. */
function layersOf(entries: LayerEntry[], n: number, marker: string) {
  const per = Math.ceil(entries.length / n);
  return Array.from({ length: n }, (_, i) => ({ entries: [...entries.slice(i * per, (i + 1) * per), { path: `bench/${i}`, type: 'file' as const, content: marker }] }));
}

function output(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd}: exit ${code}`))));
  });
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: ${code}: ${err.slice(-400)}`))));
  });
}

async function pullCompare(ctx: BenchContext, name: string, registry: Registry, ours: Daemon, theirs: Daemon, repos: { a: string[]; b: string[] }, warmup: number, runs: number): Promise<void> {
  await ctx.compare({
    name,
    warmup,
    runs,
    a: { label: 'ctr-ts pull (containerd-ts)', run: (i) => run(CTR_TS, ['--address', ours.socket, 'images', 'pull', '--plain', `${registry.host}/${repos.a[i]}`]) },
    b: { label: 'ctr pull (containerd 1.6)', run: (i) => run('ctr', ['--address', theirs.socket, 'images', 'pull', '--plain-http', `${registry.host}/${repos.b[i]}`]) },
  });
}

const suite: BenchSuite = {
  name: 'containerd-ts pull',
  async run(ctx) {
    const registry = await startRegistry({ dir: path.join(ctx.tmpDir, 'registry') });
    let ours: Daemon | undefined;
    let reference: ReferenceContainerd | undefined;
    try {
      fs.mkdirSync(path.join(ctx.tmpDir, 'ctd-ts'));
      fs.mkdirSync(path.join(ctx.tmpDir, 'ctd'));
      ours = await startContainerdTs(path.join(ctx.tmpDir, 'ctd-ts'));
      reference = await startReferenceContainerd({ dir: path.join(ctx.tmpDir, 'ctd') });
      const theirs: Daemon = { socket: reference.socket, child: reference.process };

      await new Promise((r) => setTimeout(r, 2000));
      const idle = `idle RSS containerd-ts ${(rssKiB(ours.child.pid as number) / 1024).toFixed(1)} MiB vs containerd ${(rssKiB(theirs.child.pid as number) / 1024).toFixed(1)} MiB`;
      ctx.note(`Idle RSS after start-up: ${idle.replace('idle RSS ', '')}. Most of containerd-ts's is the node binary's own pages (~39 MiB, shared between Node processes) and V8's heap (~20 MiB).`);
      const applets = (await output('/bin/busybox', ['--list'])).split('\n').filter((a) => a !== '' && a !== 'busybox');
      const busyboxEntries: LayerEntry[] = [{ path: 'bin/busybox', type: 'file', source: '/bin/busybox', mode: 0o755 }, ...applets.map((a): LayerEntry => ({ path: `bin/${a}`, type: 'symlink', linkname: 'busybox' }))];
      const bbWarm = 2;
      const bbRuns = 10;
      const bbRepos = { a: [] as string[], b: [] as string[], c: [] as string[] };
      for (let i = 0; i < bbWarm + bbRuns; i++) {
        for (const v of ['a', 'b', 'c'] as const) {
          const layout = path.join(ctx.tmpDir, `bb-${v}-${i}`);
          // busybox with its applet links, plus a marker file that makes every run's image new.
          const img = await writeOciImage({ outDir: layout, layers: [{ entries: [...busyboxEntries, { path: 'etc/bench-id', type: 'file', content: `${v}-${i}-${Date.now()}` }] }], config: { cmd: ['sh'] } });
          const repo = `bench/busybox-${v}-${i}:latest`;
          await pushOciLayout(registry, img.layoutDir, repo);
          bbRepos[v].push(repo);
          fs.rmSync(layout, { recursive: true, force: true });
        }
      }
      await pullCompare(ctx, 'pull+unpack busybox (fresh image per run)', registry, ours, theirs, bbRepos, bbWarm, bbRuns);
      // The daemon's share: the same pull from a client that is already running (what the engine does).
      const client = connectStack(ours.socket, 'default');
      try {
        await ctx.measure({
          name: 'pull+unpack busybox, daemon side only (Transfer.Pull from a running client)',
          warmup: bbWarm,
          runs: bbRuns,
          variant: {
            label: 'containerd-ts Transfer.Pull',
            run: async (i) => {
              for await (const p of client.transfer.pull({ reference: `${registry.host}/${bbRepos.c[i]}` })) void p;
            },
          },
        });
      } finally {
        client.close();
      }

      const { entries, bytes } = hostFiles('/usr/share', 170 * 1024 * 1024);
      ctx.log(`large image: ${entries.length} entries, ${(bytes / 1048576).toFixed(0)} MiB of files, 4 layers`);
      const bigWarm = 1;
      const bigRuns = 5;
      const bigRepos = { a: [] as string[], b: [] as string[] };
      for (let i = 0; i < bigWarm + bigRuns; i++) {
        for (const v of ['a', 'b'] as const) {
          const layout = path.join(ctx.tmpDir, `big-${v}-${i}`);
          const img = await writeOciImage({ outDir: layout, layers: layersOf(entries, 4, `${v}-${i}-${Date.now()}`), config: {} });
          const repo = `bench/big-${v}-${i}:latest`;
          await pushOciLayout(registry, img.layoutDir, repo);
          bigRepos[v].push(repo);
          fs.rmSync(layout, { recursive: true, force: true });
        }
      }
      await pullCompare(ctx, `pull+unpack ${(bytes / 1048576).toFixed(0)} MiB / ${entries.length} files (fresh image per run)`, registry, ours, theirs, bigRepos, bigWarm, bigRuns);

      // RSS once the work above has settled.
      await new Promise((r) => setTimeout(r, 3000));
      ctx.note(`RSS after the pulls: containerd-ts ${(rssKiB(ours.child.pid as number) / 1024).toFixed(1)} MiB, containerd ${(rssKiB(theirs.child.pid as number) / 1024).toFixed(1)} MiB.`);
      ctx.note('Both daemons store under the same temp dir; each run pulls an image neither has seen (a marker file changes every layer digest). A ctr-ts run includes starting Node on its startup snapshot and loading node:http2 (the floor `ctr-ts version` is in the tasks section), which Go\'s ctr does not pay; the daemon-side pull+unpack is the rest.');
    } finally {
      await stop(ours);
      await reference?.stop();
      await registry.stop();
    }
  },
};

export default suite;
