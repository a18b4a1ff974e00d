// Published-port data path and setup cost, inside a private host namespace (nothing touches the
// machine's network): a 32 MiB download from busybox httpd through our userland proxy vs Debian's
// docker-proxy (dockerd's userland proxy binary, run standalone on the same container) and vs a
// direct connection; wrk request rates for the three; attach+detach with and without -p.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchContext, BenchSuite } from '@stack/tools';
import type { NetworkManager } from '../src/network/index.js';
import { NetTestBed, runAsync } from '../test/network/helpers/net-testbed.js';

const BIG_MIB = 32;

async function waitServing(bed: NetTestBed, url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await bed.hostAsync(['curl', '-sf', '-o', '/dev/null', url], 5000)).code === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing serves ${url}`);
}

async function wrk(bed: NetTestBed, url: string): Promise<string> {
  const r = await runAsync(['nsenter', `--net=${bed.hostNetns}`, '--', 'wrk', '-t', '2', '-c', '16', '-d', '4s', url], 30_000);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1];
  const lat = /Latency\s+([\d.]+\w+)/.exec(r.stdout)?.[1];
  if (!rps) throw new Error(`wrk ${url}: ${r.stdout} ${r.stderr}`);
  return `${Number(rps).toFixed(0)} req/s (mean latency ${lat ?? '?'})`;
}

const suite: BenchSuite = {
  name: 'engine-network',
  async run(ctx: BenchContext) {
    const bed = new NetTestBed('bench', 235);
    let dockerProxy: ChildProcess | undefined;
    let m: NetworkManager | undefined;
    try {
      await bed.init();
      m = await bed.manager();
      const net = await m.attach('benchweb', { name: 'benchweb', ports: ['18080:80'] });
      const ip = net.endpoints[0]!.ip;
      await bed.run('benchweb', ['httpd', '-f', '-p', '80', '-h', '/www'], net, (rootfs) => {
        fs.mkdirSync(path.join(rootfs, 'www'));
        fs.writeFileSync(path.join(rootfs, 'www', 'index.html'), 'x'.repeat(1024));
        fs.writeFileSync(path.join(rootfs, 'www', 'big.bin'), Buffer.alloc(BIG_MIB * 1024 * 1024, 1));
      });
      dockerProxy = spawn(
        'nsenter',
        [`--net=${bed.hostNetns}`, '--', '/usr/sbin/docker-proxy', '-proto', 'tcp', '-host-ip', '127.0.0.1', '-host-port', '18081', '-container-ip', ip, '-container-port', '80'],
        // docker-proxy reports readiness on fd 3 (and would close its listener otherwise).
        { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] },
      );
      const ours = 'http://127.0.0.1:18080';
      const theirs = 'http://127.0.0.1:18081';
      const direct = `http://${ip}:80`;
      for (const u of [ours, theirs, direct]) await waitServing(bed, `${u}/index.html`);

      const get = (base: string): readonly string[] => ['nsenter', `--net=${bed.hostNetns}`, '--', 'curl', '-sf', '-o', '/dev/null', `${base}/big.bin`];
      const viaProxies = await ctx.compare({
        name: `GET ${BIG_MIB} MiB via 127.0.0.1 published port`,
        a: { label: 'engine-proxy (Node)', cmd: get(ours) },
        b: { label: 'docker-proxy (Debian dockerd 20.10)', cmd: get(theirs) },
        warmup: 2,
        runs: 15,
      });
      const vsDirect = await ctx.compare({
        name: `GET ${BIG_MIB} MiB: proxy vs direct to the container`,
        a: { label: 'engine-proxy (Node)', cmd: get(ours) },
        b: { label: 'direct (container address)', cmd: get(direct) },
        warmup: 2,
        runs: 15,
      });
      const mibps = (ms: number): string => `${((BIG_MIB * 1000) / ms).toFixed(0)} MiB/s`;
      ctx.note(
        `Throughput (${BIG_MIB} MiB, median): engine-proxy ${mibps(viaProxies.a.median)}, docker-proxy ${mibps(viaProxies.b.median)}, ` +
          `direct ${mibps(vsDirect.b.median)}. curl runs in the bench's host namespace; busybox httpd serves from the container.`,
      );
      // wrk: busybox httpd forks per connection and closes it (HTTP/1.0), so this is connection
      // setup through each path as much as data.
      const rates = [];
      for (const [label, u] of [
        ['engine-proxy', ours],
        ['docker-proxy', theirs],
        ['direct', direct],
      ] as const) {
        rates.push(`${label} ${await wrk(bed, `${u}/index.html`)}`);
      }
      ctx.note(`wrk -t2 -c16 -d4s, 1 KiB page (busybox httpd forks per request): ${rates.join('; ')}.`);

      let n = 0;
      const mgr = m;
      await ctx.compare({
        name: 'network attach + detach (no container process)',
        a: {
          label: 'bridge, -p 80 (ephemeral)',
          run: async () => {
            const id = `p${n++}`;
            await mgr.attach(id, { name: id, ports: ['80'] });
            await mgr.detach(id);
          },
        },
        b: {
          label: 'bridge, no ports',
          run: async () => {
            const id = `n${n++}`;
            await mgr.attach(id, { name: id });
            await mgr.detach(id);
          },
        },
        warmup: 3,
        runs: 20,
      });
      ctx.note(
        'Attach = a netns (in-process), one `ip -batch` on each side of the veth, a state save, and with ports one request to the already running ' +
          'proxy process and one iptables-restore (nat table only); detach undoes it. The commands run through nsenter into the bench namespace (one extra exec each).',
      );
    } finally {
      dockerProxy?.kill('SIGKILL');
      bed.kill('benchweb');
      await bed.cleanup();
    }
  },
};

export default suite;
