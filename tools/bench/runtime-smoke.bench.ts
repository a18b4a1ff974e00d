import type { BenchSuite } from '../src/bench/suite.js';

// Proves the harness end to end with something cheap: spawning busybox's `true` applet against
// the host's /bin/true.
const suite: BenchSuite = {
  name: 'runtime-smoke',
  async run(ctx) {
    await ctx.compare({
      name: 'spawn true',
      a: { label: 'busybox true', cmd: ['/bin/busybox', 'true'] },
      b: { label: '/bin/true', cmd: ['/bin/true'] },
      warmup: 3,
      runs: 20,
    });
  },
};

export default suite;
