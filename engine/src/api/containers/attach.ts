// POST /containers/{id}/attach?stream&stdin&stdout&stderr&detachKeys (HTTP upgrade): the container's
// live stdio; a container not yet started is attached as it starts, before its process runs.
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest, conflict } from '../../daemon/http/api-error.js';
import { bridge } from '../../daemon/containers/task-attach.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../../common/detach-keys.js';

export function detachKeysOf(spec: string | null): number[] {
  try {
    return parseDetachKeys(spec || DEFAULT_DETACH_KEYS);
  } catch (err) {
    throw badRequest((err as Error).message);
  }
}

export function register(r: Router, e: Engine): void {
  r.post('/containers/{id}/attach', async (ctx) => {
    const rec = e.containers.store.get(ctx.param('id'));
    if (rec.State.Status === 'paused') throw conflict(`You cannot attach to a paused container, unpause it first`);
    const keys = detachKeysOf(ctx.query.get('detachKeys'));
    const want = { stdin: ctx.flag('stdin') && rec.Config.OpenStdin, stdout: ctx.flag('stdout'), stderr: ctx.flag('stderr') };
    const tty = rec.Config.Tty;
    const conn = await ctx.hijack(tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream');
    if (!ctx.flag('stream')) {
      conn.end();
      return;
    }
    const ac = new AbortController();
    conn.on('close', () => ac.abort());
    let attach;
    try {
      attach = await e.containers.attach(rec.ID, want, ac.signal);
    } catch {
      conn.end();
      return;
    }
    e.events.publish('container', 'attach', rec.ID, e.containers.attributes(rec)); // as dockerd, once the streams are joined
    await bridge(conn, attach, { tty, ...want, detachKeys: keys, stdinOnce: rec.Config.StdinOnce });
    conn.end();
  });
}
