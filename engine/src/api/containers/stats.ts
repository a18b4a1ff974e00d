// GET /containers/{id}/stats?stream&one-shot: readings from containerd-ts's Tasks.Metrics (the
// shim's cgroup statistics, v1 or v2 alike) with the host's CPU time and the container's network
// counters read in its own namespace, in dockerd's JSON; streams share one collector per daemon.
import * as os from 'node:os';
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { INTERVAL_MS, StatsCollector, isRunning, readSamples } from './stats-collector.js';
import { statsView, type Sample } from './stats-view.js';

export function register(r: Router, e: Engine): void {
  const collector = new StatsCollector(e);
  r.get('/containers/{id}/stats', async (ctx) => {
    const rec = e.containers.store.get(ctx.param('id'));
    const stream = ctx.query.get('stream') === null || ctx.flag('stream');
    const hostMemory = os.totalmem();
    if (!stream) {
      // dockerd answers a one-off request with two readings a second apart (so a CPU % can be
      // computed), or with one at once for one-shot.
      let pre: Sample | undefined;
      if (!ctx.flag('one-shot') && isRunning(rec)) {
        pre = (await readSamples(e, [rec])).get(rec.ID);
        await new Promise((res) => setTimeout(res, INTERVAL_MS));
      }
      ctx.sendJson(200, statsView(rec, (await readSamples(e, [rec])).get(rec.ID), pre, hostMemory));
      return;
    }
    const res = ctx.stream(200, 'application/json');
    let pre: Sample | undefined;
    await new Promise<void>((resolve) => {
      const unsubscribe = collector.subscribe(rec.ID, (cur) => {
        res.write(`${JSON.stringify(statsView(rec, cur, pre, hostMemory))}\n`);
        pre = cur;
      });
      res.on('close', () => {
        unsubscribe();
        resolve();
      });
    });
  });
}
