// Published ports, engine against Debian's dockerd with its bridge, iptables and docker-proxy, each
// inside a network namespace of the bench's own (nothing touches the machine's network), on the
// same busybox image: the time `run -d -p` takes, and what goes through a 127.0.0.1 port (a 32 MiB
// GET with curl, short requests with wrk) from each daemon's namespace.
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { startReferenceContainerd, startReferenceDockerd, type BenchContext, type BenchSuite, type CommandResult } from '@stack/tools';
import { ENGINE_BIN, startStack } from '../test/support/stack.js';

const BIG_MIB = 32;
const SERVE = ['sh', '-c', `echo ok > /tmp/index.html; head -c ${BIG_MIB * 1024 * 1024} /dev/zero > /tmp/big.bin; head -c 1024 /dev/zero > /tmp/1k.html; httpd -f -p 80 -h /tmp`];

function inNetns(netns: string, argv: readonly string[], timeoutMs = 60_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn('nsenter', [`--net=${netns}`, '--', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 137, stdout, stderr });
    });
  });
}

async function waitServing(netns: string, url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await inNetns(netns, ['curl', '-sf', '-o', '/dev/null', '--max-time', '2', url])).code === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing serves ${url} in ${netns}`);
}

async function wrk(netns: string, url: string): Promise<string> {
  const r = await inNetns(netns, ['wrk', '-t', '2', '-c', '16', '-d', '4s', url]);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1];
  const lat = /Latency\s+([\d.]+\w+)/.exec(r.stdout)?.[1];
  if (!rps) throw new Error(`wrk ${url}: ${r.stdout} ${r.stderr}`);
  return `${Number(rps).toFixed(0)} req/s (mean latency ${lat ?? '?'})`;
}

/** Runs a CLI to completion; a failure fails the bench. */
function spawnOk(argv: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(' ')}: exit ${String(code)}: ${stderr}`))));
  });
}

async function must(what: string, r: Promise<CommandResult>): Promise<string> {
  const done = await r;
  if (done.code !== 0) throw new Error(`${what}: ${done.stderr}`);
  return done.stdout;
}

const suite: BenchSuite = {
  name: 'engine-ports',
  async run(ctx: BenchContext) {
    const dockerNetnsName = `benchdk-${process.pid}`;
    const dockerNetns = `/run/netns/${dockerNetnsName}`;
    spawnSync('ip', ['netns', 'add', dockerNetnsName]);
    spawnSync('ip', ['-n', dockerNetnsName, 'link', 'set', 'lo', 'up']);
    const stack = await startStack();
    const refCtd = await startReferenceContainerd({ dir: path.join(ctx.tmpDir, 'ref-containerd') });
    const dockerd = await startReferenceDockerd({ containerdSocket: refCtd.socket, dir: path.join(ctx.tmpDir, 'ref-dockerd'), netns: dockerNetns });
    try {
      await must('docker load', dockerd.docker(['load', '-i', stack.busyboxArchive]));
      const engine = (args: string[]) => [ENGINE_BIN, '-H', stack.host, ...args];
      const docker = (args: string[]) => ['/usr/bin/docker', '--host', dockerd.host, ...args];
      // Each timed run publishes a port of its own, so no run waits for another's teardown.
      let port = 20000;
      const started = await ctx.compare({
        name: 'run -d -p HOST:80 busybox httpd (create, network, port, start)',
        a: { label: 'engine run -d -p', run: () => spawnOk(engine(['run', '-d', '-p', `${port++}:80`, 'busybox', 'httpd', '-f', '-p', '80'])) },
        b: { label: 'docker run -d -p (docker0, iptables, docker-proxy)', run: () => spawnOk(docker(['run', '-d', '-p', `${port++}:80`, 'busybox', 'httpd', '-f', '-p', '80'])) },
        warmup: 2,
        runs: 10,
        teardown: async () => {
          await stack.engine(['rm', '-f', ...(await stack.engine(['ps', '-aq'])).stdout.split('\n').filter(Boolean)]);
          const ids = (await dockerd.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
          if (ids.length) await dockerd.docker(['rm', '-f', ...ids]);
        },
      });
      ctx.note(`run -d -p: engine ${started.a.median.toFixed(0)} ms, docker ${started.b.median.toFixed(0)} ms (medians; each daemon in its own network namespace with its default bridge).`);

      await must('engine run web', stack.engine(['run', '-d', '-p', '127.0.0.1:18080:80', '--name', 'web', 'busybox', ...SERVE]));
      await must('docker run web', dockerd.docker(['run', '-d', '-p', '127.0.0.1:18080:80', '--name', 'web', 'busybox', ...SERVE]));
      await waitServing(stack.netnsPath, 'http://127.0.0.1:18080/index.html');
      await waitServing(dockerNetns, 'http://127.0.0.1:18080/index.html');
      await new Promise((r) => setTimeout(r, 1500)); // the big file is written
      const get = (netns: string): readonly string[] => ['nsenter', `--net=${netns}`, '--', 'curl', '-sf', '-o', '/dev/null', 'http://127.0.0.1:18080/big.bin'];
      const big = await ctx.compare({
        name: `GET ${BIG_MIB} MiB through a 127.0.0.1 published port`,
        a: { label: 'engine-proxy (splice)', cmd: get(stack.netnsPath) },
        b: { label: "dockerd's docker-proxy", cmd: get(dockerNetns) },
        warmup: 2,
        runs: 15,
      });
      const mibps = (ms: number): string => `${((BIG_MIB * 1000) / ms).toFixed(0)} MiB/s`;
      const rates = [`engine ${await wrk(stack.netnsPath, 'http://127.0.0.1:18080/1k.html')}`, `docker ${await wrk(dockerNetns, 'http://127.0.0.1:18080/1k.html')}`];
      ctx.note(
        `Through 127.0.0.1 (userland proxies on both sides: neither daemon DNATs loopback): ${BIG_MIB} MiB at engine ${mibps(big.a.median)}, docker ${mibps(big.b.median)}; ` +
          `wrk -t2 -c16 -d4s on a 1 KiB page (busybox httpd forks per request, so this is mostly connection setup): ${rates.join('; ')}. ` +
          'Where the time of run -d -p goes in engined: create (snapshot, spec) and start (a netns made in-process, one `ip -batch` per side of the veth, one request to the already running proxy, one iptables-restore of the nat table, then the task through containerd-ts and shim-ts); the CLI adds its Node start (its floor is the ps figure of the engine section). dockerd runs libnetwork in-process and docker-proxy as one process per published port.',
      );
    } finally {
      await dockerd.docker(['rm', '-f', 'web']).catch(() => undefined);
      await dockerd.stop();
      await refCtd.stop();
      await stack.cleanup();
      spawnSync('ip', ['netns', 'del', dockerNetnsName]);
    }
  },
};

export default suite;
