// GET /containers/{id}/logs: the json-file log, framed per stream (raw with a TTY), with
// follow/tail/since/until/timestamps.
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest } from '../../daemon/http/api-error.js';
import { isDamage, readLogs } from '../../daemon/containers/log-reader.js';
import { frame, STDERR, STDOUT, SYSTEMERR } from '../../common/stdcopy.js';

function seconds(v: string | null, name: string): number | undefined {
  if (v === null || v === '' || v === '0') return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  const d = Date.parse(v);
  if (Number.isNaN(d)) throw badRequest(`invalid value for ${name}: ${v}`);
  return d / 1000;
}

export function register(r: Router, e: Engine): void {
  r.get('/containers/{id}/logs', async (ctx) => {
    const rec = e.containers.store.get(ctx.param('id'));
    const stdout = ctx.flag('stdout');
    const stderr = ctx.flag('stderr');
    if (!stdout && !stderr) throw badRequest('Bad parameters: you must choose at least one stream');
    const tailRaw = ctx.query.get('tail');
    const tail = tailRaw === null || tailRaw === '' || tailRaw === 'all' ? undefined : Number(tailRaw);
    if (tail !== undefined && !Number.isInteger(tail)) throw badRequest(`invalid value for tail: ${tailRaw}`);
    const since = seconds(ctx.query.get('since'), 'since');
    const until = seconds(ctx.query.get('until'), 'until');
    const timestamps = ctx.flag('timestamps');
    const tty = rec.Config.Tty;
    const res = ctx.stream(200, 'application/vnd.docker.raw-stream');
    const ac = new AbortController();
    res.on('close', () => ac.abort());
    const records = readLogs(rec.LogPath, {
      stdout,
      stderr,
      ...(tail !== undefined ? { tail } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
      follow: ctx.flag('follow'),
      isRunning: () => {
        const cur = e.containers.store.find(rec.ID);
        return cur !== undefined && ['running', 'paused', 'restarting'].includes(cur.State.Status);
      },
      signal: ac.signal,
    });
    for await (const l of records) {
      if (isDamage(l)) {
        // As dockerd: the error goes in the stream (frame type 3, which clients raise); a TTY's
        // raw stream has no place for it, so the answer is cut off instead of looking complete.
        e.log.warn(`logs ${rec.ID}: ${l.damage}`);
        if (tty) {
          res.destroy();
          return;
        }
        res.write(frame(SYSTEMERR, Buffer.from(`Error grabbing logs: ${l.damage}`)));
        continue;
      }
      const text = Buffer.from(timestamps ? `${l.time} ${l.log}` : l.log);
      const ok = res.write(tty ? text : frame(l.stream === 'stderr' ? STDERR : STDOUT, text));
      // A client that stops reading and leaves never drains: its 'close' ends the wait as well.
      if (!ok && !ac.signal.aborted) await new Promise((resolve) => {
        res.once('drain', resolve);
        ac.signal.addEventListener('abort', resolve, { once: true });
      });
      if (ac.signal.aborted) break;
    }
    res.end();
  });
}
