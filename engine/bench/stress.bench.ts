// The soak (issue 14): the CI robustness test's misbehaving clients against one engined for
// ENGINE_STRESS_MINUTES (default 5): attaches, execs, log follows, waits, events and creates sent
// whole or in part and dropped at random. The suite fails if engined died, a container it served
// was disturbed, or the bystander's numbered log lost a line.
import type { BenchContext, BenchSuite } from '@stack/tools';
import { startStack } from '../test/support/stack.js';
import { runEngineStress, startStressTargets, stressDamage, stressPids } from '../test/support/engine-stress.js';

const suite: BenchSuite = {
  name: 'engined stress',
  async run(ctx: BenchContext) {
    const minutes = Number(process.env.ENGINE_STRESS_MINUTES ?? 5);
    const seed = Number(process.env.ENGINE_STRESS_SEED ?? Date.now() % 1_000_000);
    const stack = await startStack();
    try {
      await startStressTargets(stack);
      const before = await stressPids(stack);
      let connections = 0;
      await ctx.measure({
        name: `${minutes} min of random attach/exec/logs/wait/events/create requests dropped at random points (8 at a time), one engined`,
        warmup: 0,
        runs: 1,
        variant: {
          label: `engined (seed ${seed})`,
          run: async () => {
            connections = (await runEngineStress(stack, { durationMs: minutes * 60_000, seed })).connections;
          },
        },
      });
      const problems = await stressDamage(stack, before);
      if (problems.length) throw new Error(`after the stress (seed ${seed}): ${problems.join('; ')}`);
      ctx.note(`engined deaths: 0; ${connections} connections dropped; the attached, exec'd and followed containers ran on as the same processes and the bystander's numbered log has every line.`);
    } finally {
      await stack.cleanup();
    }
  },
};

export default suite;
