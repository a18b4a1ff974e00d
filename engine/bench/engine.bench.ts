// engine against Debian's docker.io (dockerd on private dirs with its own containerd, no bridge) on
// the same busybox image: run --rm, exec, logs --tail, and the daemons' idle memory.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startReferenceContainerd, startReferenceDockerd, type BenchContext, type BenchSuite } from '@stack/tools';
import { ENGINE_BIN, startStack } from '../test/support/stack.js';

function rssKiB(pid: number | undefined): number {
  if (!pid) return NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

function pssKiB(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

const suite: BenchSuite = {
  name: 'engine',
  async run(ctx: BenchContext) {
    const stack = await startStack();
    const refCtd = await startReferenceContainerd({ dir: path.join(ctx.tmpDir, 'ref-containerd') });
    const dockerd = await startReferenceDockerd({ containerdSocket: refCtd.socket, dir: path.join(ctx.tmpDir, 'ref-dockerd') });
    try {
      const loaded = await dockerd.docker(['load', '-i', stack.busyboxArchive]);
      if (loaded.code !== 0) throw new Error(`docker load: ${loaded.stderr}`);
      const engine = (args: string[]) => [ENGINE_BIN, '-H', stack.host, ...args];
      const docker = (args: string[]) => ['/usr/bin/docker', '--host', dockerd.host, ...args];
      await ctx.compare({
        name: 'run --rm busybox true',
        a: { label: 'engine run --rm --network none busybox true', cmd: engine(['run', '--rm', '--network', 'none', 'busybox', 'true']) },
        b: { label: 'docker run --rm --network none busybox true', cmd: docker(['run', '--rm', '--network', 'none', 'busybox', 'true']) },
        warmup: 3,
        runs: 15,
      });
      const prep = async (run: (a: string[]) => Promise<{ code: number; stderr: string }>, args: string[]) => {
        const r = await run(args);
        if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
      };
      const logsCmd = ['sh', '-c', 'i=0; while [ $i -lt 1000 ]; do echo line $i; i=$((i+1)); done; sleep 3600'];
      await prep((a) => stack.engine(a), ['run', '-d', '--network', 'none', '--name', 'target', 'busybox', ...logsCmd]);
      await prep((a) => dockerd.docker(a), ['run', '-d', '--network', 'none', '--name', 'target', 'busybox', ...logsCmd]);
      await new Promise((r) => setTimeout(r, 1000));
      await ctx.compare({
        name: 'run --rm busybox true, another container running',
        a: { label: 'engine run --rm --network none busybox true', cmd: engine(['run', '--rm', '--network', 'none', 'busybox', 'true']) },
        b: { label: 'docker run --rm --network none busybox true', cmd: docker(['run', '--rm', '--network', 'none', 'busybox', 'true']) },
        warmup: 3,
        runs: 15,
      });
      await ctx.compare({
        name: 'exec true into a running container',
        a: { label: 'engine exec target true', cmd: engine(['exec', 'target', 'true']) },
        b: { label: 'docker exec target true', cmd: docker(['exec', 'target', 'true']) },
        warmup: 3,
        runs: 15,
      });
      await ctx.compare({
        name: 'logs --tail 5 (1000-line log)',
        a: { label: 'engine logs --tail 5 target', cmd: engine(['logs', '--tail', '5', 'target']) },
        b: { label: 'docker logs --tail 5 target', cmd: docker(['logs', '--tail', '5', 'target']) },
        warmup: 3,
        runs: 15,
      });
      await ctx.compare({
        name: 'ps (CLI round trip)',
        a: { label: 'engine ps', cmd: engine(['ps']) },
        b: { label: 'docker ps', cmd: docker(['ps']) },
        warmup: 3,
        runs: 15,
      });
      await new Promise((r) => setTimeout(r, 3000));
      const ours = stack.enginedPid();
      const theirs = dockerd.process.pid;
      ctx.note(
        `Idle daemon memory with one running container: engined RSS ${(rssKiB(ours) / 1024).toFixed(1)} MiB (PSS ${(pssKiB(ours) / 1024).toFixed(1)} MiB) ` +
          `vs dockerd RSS ${(rssKiB(theirs) / 1024).toFixed(1)} MiB (PSS ${(pssKiB(theirs) / 1024).toFixed(1)} MiB). ` +
          `Both stacks use --network none; dockerd runs runc through its own containerd, engined runs runc-ts through containerd-ts and shim-ts. ` +
          `Where the time goes in run --rm: containerd-ts starts a shim-ts for a namespace's first task and keeps it for a while after the last one, so runs in a row find it warm (a run after an idle spell pays the shim's start, ~0.3 s); the rest is the engine's own path (create, attach, wait, start, remove in engined) and the CLI. The CLI is a Node process started on a V8 startup snapshot (yargs, the commands and the API client already loaded), without NODE_EXTRA_CA_CERTS (node would parse that file at start-up; the CLI never uses TLS): node's boot plus one request is the ps figure, the floor of the logs and exec figures too.`,
      );
    } finally {
      await dockerd.docker(['rm', '-f', 'target']).catch(() => undefined);
      await dockerd.stop();
      await refCtd.stop();
      await stack.cleanup();
    }
  },
};

export default suite;
