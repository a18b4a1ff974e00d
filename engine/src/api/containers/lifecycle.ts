// start, stop, restart, kill, pause, unpause, rename, wait, resize.
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest, conflict } from '../../daemon/http/api-error.js';

export function register(r: Router, e: Engine): void {
  r.post('/containers/{id}/start', async (ctx) => {
    await e.containers.start(ctx.param('id'));
    ctx.noContent();
  });
  r.post('/containers/{id}/stop', async (ctx) => {
    await e.containers.stop(ctx.param('id'), ctx.int('t'));
    ctx.noContent();
  });
  r.post('/containers/{id}/restart', async (ctx) => {
    await e.containers.restart(ctx.param('id'), ctx.int('t'));
    ctx.noContent();
  });
  r.post('/containers/{id}/kill', async (ctx) => {
    await e.containers.kill(ctx.param('id'), ctx.query.get('signal') ?? undefined);
    ctx.noContent();
  });
  r.post('/containers/{id}/pause', async (ctx) => {
    await e.containers.pause(ctx.param('id'), true);
    ctx.noContent();
  });
  r.post('/containers/{id}/unpause', async (ctx) => {
    await e.containers.pause(ctx.param('id'), false);
    ctx.noContent();
  });
  r.post('/containers/{id}/rename', (ctx) => {
    e.containers.rename(ctx.param('id'), ctx.query.get('name') ?? '');
    ctx.noContent();
  });
  r.post('/containers/{id}/wait', async (ctx) => {
    // Registered before anything is awaited, so a start sent right after cannot outrun it.
    const left = new AbortController();
    const result = e.containers.wait(ctx.param('id'), ctx.query.get('condition') ?? '', left.signal);
    const res = ctx.stream(200, 'application/json');
    // A client that leaves before the exit takes its wait with it.
    res.on('close', () => left.abort());
    const r = await result;
    res.end(`${JSON.stringify(r)}\n`);
  });
  r.post('/containers/{id}/resize', async (ctx) => {
    const h = ctx.atoi('h');
    const w = ctx.atoi('w');
    const rec = e.containers.store.get(ctx.param('id'));
    if (h < 0 || w < 0) throw badRequest('invalid terminal size');
    if (rec.State.Status !== 'running' && rec.State.Status !== 'paused') throw conflict(`Container ${rec.ID} is not running`);
    await e.containerd.tasks.resizePty({ containerId: rec.ID, execId: '', width: w, height: h });
    ctx.sendText(200, '');
  });
}
