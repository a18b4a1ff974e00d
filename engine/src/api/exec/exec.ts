// POST /containers/{id}/exec, POST /exec/{id}/start, GET /exec/{id}/json, POST /exec/{id}/resize
import { consoleSizeOf } from '../../oci/console-size.js';
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest } from '../../daemon/http/api-error.js';
import { detachKeysOf } from '../containers/attach.js';

export function register(r: Router, e: Engine): void {
  r.post('/containers/{id}/exec', async (ctx) => {
    const rec = e.containers.store.get(ctx.param('id'));
    const id = e.execs.create(rec, await ctx.json());
    ctx.sendJson(201, { Id: id });
  });
  r.post('/exec/{id}/start', async (ctx) => {
    const body = await ctx.json();
    const ex = e.execs.get(ctx.param('id'));
    const size = consoleSizeOf(body.ConsoleSize);
    if (size) ex.consoleSize = size;
    if (body.Detach) {
      await e.execs.startDetached(ex.ID);
      ctx.sendText(200, '');
      return;
    }
    const tty = ex.config.Tty;
    await e.execs.startAttached(ex.ID, () => ctx.hijack(tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream'), detachKeysOf(ex.config.DetachKeys || null));
  });
  r.get('/exec/{id}/json', (ctx) => {
    const ex = e.execs.get(ctx.param('id'));
    const c = ex.config;
    ctx.sendJson(200, {
      CanRemove: false,
      ContainerID: ex.ContainerID,
      DetachKeys: c.DetachKeys,
      ExitCode: ex.ExitCode,
      ID: ex.ID,
      OpenStderr: c.AttachStderr,
      OpenStdin: c.AttachStdin,
      OpenStdout: c.AttachStdout,
      ProcessConfig: { arguments: c.Cmd.slice(1), entrypoint: c.Cmd[0], privileged: c.Privileged, tty: c.Tty, user: c.User },
      Running: ex.Running,
      Pid: ex.Pid,
    });
  });
  r.post('/exec/{id}/resize', async (ctx) => {
    const h = ctx.atoi('h');
    const w = ctx.atoi('w');
    if (h < 0 || w < 0) throw badRequest('invalid terminal size');
    await e.execs.resize(ctx.param('id'), w, h);
    ctx.sendText(200, '');
  });
}
