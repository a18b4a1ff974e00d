// GET /containers/{id}/json, GET /containers/{id}/top
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SNAPSHOTTER } from '../../daemon/containerd/client.js';
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { conflict, serverError } from '../../daemon/http/api-error.js';
import { inspectView } from '../../daemon/containers/container-view.js';

const pExecFile = promisify(execFile);

export function register(r: Router, e: Engine): void {
  r.get('/containers/{id}/json', async (ctx) => {
    const rec = e.containers.store.get(ctx.param('id'));
    const data: Record<string, string> = {};
    try {
      const { mounts } = await e.containerd.snapshots.mounts({ snapshotter: SNAPSHOTTER, key: rec.ID });
      for (const o of mounts[0]?.options ?? []) {
        const [k, v] = o.split('=', 2) as [string, string | undefined];
        if (v && ['lowerdir', 'upperdir', 'workdir'].includes(k)) data[k.replace('dir', 'Dir').replace(/^./, (c) => c.toUpperCase())] = v;
      }
    } catch {
      // the snapshot is gone or containerd-ts is down: inspect still answers
    }
    ctx.sendJson(200, inspectView(rec, e.containers.attachment(rec.ID), e.execs.forContainer(rec.ID), data, (id) => e.containers.store.find(id)?.Name));
  });

  r.get('/containers/{id}/top', async (ctx) => {
    const rec = e.containers.store.get(ctx.param('id'));
    if (rec.State.Status !== 'running' && rec.State.Status !== 'paused') throw conflict(`Container ${rec.ID} is not running`);
    const { processes } = await e.containerd.tasks.listPids({ containerId: rec.ID });
    const pids = new Set(processes.map((p) => String(p.pid)));
    const args = (ctx.query.get('ps_args') || '-ef').split(/\s+/).filter(Boolean);
    let out: string;
    try {
      out = (await pExecFile('ps', args)).stdout;
    } catch (err) {
      throw serverError(`Error running ps: ${(err as Error).message}`);
    }
    const lines = out.trimEnd().split('\n');
    const titles = (lines[0] ?? '').trim().split(/\s+/);
    const pidCol = titles.indexOf('PID');
    if (pidCol < 0) throw serverError(`Couldn't find PID field in ps output`);
    const rows = lines
      .slice(1)
      .map((l) => {
        const f = l.trim().split(/\s+/);
        return [...f.slice(0, titles.length - 1), f.slice(titles.length - 1).join(' ')];
      })
      .filter((f) => pids.has(f[pidCol] ?? ''));
    ctx.sendJson(200, { Titles: titles, Processes: rows });
  });
}
