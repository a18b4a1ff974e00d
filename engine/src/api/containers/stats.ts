// GET /containers/{id}/stats?stream&one-shot: a reading per second from containerd-ts's Tasks.Metrics
// (the shim's cgroup statistics, v1 or v2 alike), plus the host's CPU time and the container's
// network counters read from its own namespace, in dockerd's JSON.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { MetricsSchema } from '@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb';
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import type { ContainerRecord } from '../../daemon/state/container-record.js';
import { parseNetDev, statsView, systemCpuNs, type Sample } from './stats-view.js';

const INTERVAL_MS = 1000;

const running = (rec: ContainerRecord) => (rec.State.Status === 'running' || rec.State.Status === 'paused') && rec.State.Pid > 0;

async function sample(e: Engine, rec: ContainerRecord): Promise<Sample | undefined> {
  if (!running(rec)) return undefined;
  const { metrics } = await e.containerd.tasks.metrics({ filters: [`id==${rec.ID}`] });
  const data = metrics.find((m) => m.id === rec.ID)?.data;
  if (!data) return undefined;
  let networks: Sample['networks'];
  if (rec.HostConfig.NetworkMode !== 'host') {
    try {
      const devs = parseNetDev(fs.readFileSync(`/proc/${rec.State.Pid}/net/dev`, 'utf8'));
      if (Object.keys(devs).length) networks = devs;
    } catch {
      // the task exited between the two reads
    }
  }
  return {
    read: new Date().toISOString(),
    metrics: anyUnpack(data, MetricsSchema),
    systemCpuNs: systemCpuNs(fs.readFileSync('/proc/stat', 'utf8')),
    onlineCpus: os.cpus().length,
    networks,
  };
}

export function register(r: Router, e: Engine): void {
  r.get('/containers/{id}/stats', async (ctx) => {
    const rec = e.containers.store.get(ctx.param('id'));
    const stream = ctx.query.get('stream') === null || ctx.flag('stream');
    const oneShot = ctx.flag('one-shot');
    const hostMemory = os.totalmem();
    if (!stream) {
      // dockerd answers a one-off request with two readings a second apart (so a CPU % can be
      // computed), or with one at once for one-shot.
      let pre: Sample | undefined;
      if (!oneShot && running(rec)) {
        pre = await sample(e, rec);
        await new Promise((res) => setTimeout(res, INTERVAL_MS));
      }
      ctx.sendJson(200, statsView(rec, await sample(e, rec), pre, hostMemory));
      return;
    }
    const res = ctx.stream(200, 'application/json');
    let closed = false;
    res.on('close', () => (closed = true));
    let pre: Sample | undefined;
    while (!closed) {
      const cur = await sample(e, rec).catch(() => undefined);
      res.write(`${JSON.stringify(statsView(rec, cur, pre, hostMemory))}\n`);
      pre = cur;
      await new Promise((res) => setTimeout(res, INTERVAL_MS));
    }
  });
}
