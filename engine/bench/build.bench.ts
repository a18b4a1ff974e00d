// docker build (the classic builder: DOCKER_BUILDKIT=0) of one multi-stage Dockerfile against engined
// and against Debian's dockerd (own containerd, --network none for RUN), through the same stock docker
// CLI: cold (--no-cache, every step runs) and cached (every step a cache hit).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startReferenceContainerd, startReferenceDockerd, type BenchContext, type BenchSuite } from '@stack/tools';
import { startStack } from '../test/support/stack.js';

const DOCKERFILE = `FROM busybox AS build
WORKDIR /src
COPY src/ ./
RUN for i in 1 2 3 4 5; do cat *.txt > out$i; done && mkdir /out && cp out* /out/
FROM busybox
ENV APP=/app
LABEL bench=1
COPY --from=build /out/ /app/
RUN ls /app > /app/list
CMD ["ls", "/app"]
`;

const suite: BenchSuite = {
  name: 'engine build',
  async run(ctx: BenchContext) {
    process.env.DOCKER_BUILDKIT = '0';
    const dir = path.join(ctx.tmpDir, 'context');
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(dir, 'src', `f${i}.txt`), `file ${i}\n`.repeat(200));
    const stack = await startStack();
    const refCtd = await startReferenceContainerd({ dir: path.join(ctx.tmpDir, 'ref-containerd') });
    const dockerd = await startReferenceDockerd({ containerdSocket: refCtd.socket, dir: path.join(ctx.tmpDir, 'ref-dockerd') });
    try {
      const loaded = await dockerd.docker(['load', '-i', stack.busyboxArchive]);
      if (loaded.code !== 0) throw new Error(`docker load: ${loaded.stderr}`);
      const build = (host: string, extra: string[]) => ['/usr/bin/docker', '--host', host, 'build', '-q', '--network', 'none', '-t', 'bench:latest', ...extra, dir];
      // One build on each side first, so the cached figures find every step.
      for (const host of [stack.host, dockerd.host]) {
        const r = await stack.inHost(build(host, []), { timeoutMs: 300_000 });
        if (r.code !== 0) throw new Error(`first build on ${host}: ${r.stderr}`);
      }
      await ctx.compare({
        name: 'docker build, cold (--no-cache: 10 steps, 2 RUN, 2 COPY)',
        a: { label: 'engined', cmd: build(stack.host, ['--no-cache']) },
        b: { label: 'dockerd (classic builder)', cmd: build(dockerd.host, ['--no-cache']) },
        warmup: 1,
        runs: 5,
      });
      await ctx.compare({
        name: 'docker build, every step cached',
        a: { label: 'engined', cmd: build(stack.host, []) },
        b: { label: 'dockerd (classic builder)', cmd: build(dockerd.host, []) },
        warmup: 2,
        runs: 10,
      });
      ctx.note(
        'Both daemons are driven by the same stock docker CLI (DOCKER_BUILDKIT=0), so the figures are the daemons\' builders. ' +
          'Like dockerd, engined makes a container for every step that misses the cache (created only, for the steps that run nothing) and commits each file-changing step as a layer ' +
          '(containerd-ts Diff: a tar of the snapshot\'s upper dir, gzip\'d, then unpacked as the next snapshot); a cached step is a lookup of a hidden image record by its key.',
      );
    } finally {
      await dockerd.stop();
      await refCtd.stop();
      await stack.cleanup();
    }
  },
};

export default suite;
