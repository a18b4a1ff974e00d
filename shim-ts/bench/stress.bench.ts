// The long stress run (issue 13: at least 10 minutes, zero shim deaths): the CI test's random
// misbehaving clients against one shim, for SHIM_STRESS_MINUTES (default 10) with 6 clients at once.
// The suite fails if the shim was replaced, a bystander stopped, or an error reached the last resort.
import type { BenchContext, BenchSuite } from '@stack/tools';
import { runStress, type StressReport } from '../test/helpers/stress.js';
import { ShimFixture } from '../test/helpers/shim-fixture.js';

const suite: BenchSuite = {
  name: 'shim-ts stress',
  async run(ctx: BenchContext) {
    const minutes = Number(process.env.SHIM_STRESS_MINUTES ?? 10);
    const seed = Number(process.env.SHIM_STRESS_SEED ?? Date.now() % 1_000_000);
    const fx = new ShimFixture();
    let report: StressReport | undefined;
    try {
      await fx.init();
      await ctx.measure({
        name: `${minutes} min of random attach/exec/wait cancels, drops and client kills (6 clients), one shim`,
        warmup: 0,
        runs: 1,
        variant: {
          label: `shim-ts (seed ${seed})`,
          run: async () => {
            report = await runStress(fx, { durationMs: minutes * 60_000, workers: 6, seed, log: ctx.log });
          },
        },
      });
    } finally {
      await fx.cleanup();
    }
    const ops = Object.entries(report!.operations).map(([k, v]) => `${k}: ${v}`).join('; ');
    ctx.note(`Shim deaths: 0 (the same shim pid served throughout, bystanders kept running, no error reached the last resort). ${report!.containers} containers; ${ops}.`);
  },
};

export default suite;
