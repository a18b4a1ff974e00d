// GET /events: past events since a time, then live ones until `until` or the client leaves.
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import type { EngineEvent } from '../../daemon/events/event-bus.js';
import { badRequest } from '../../daemon/http/api-error.js';

function parseTime(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) {
    const d = Date.parse(v);
    if (Number.isNaN(d)) throw badRequest(`invalid time: ${v}`);
    return d * 1e6;
  }
  return n * 1e9;
}

function matches(e: EngineEvent, filters: Map<string, string[]>): boolean {
  for (const [k, vals] of filters) {
    const ok = vals.some((v) => {
      switch (k) {
        case 'type':
          return e.Type === v;
        case 'event':
          return e.Action === v || e.Action.startsWith(`${v}:`);
        case 'container':
          return e.Type === 'container' && (e.Actor.ID.startsWith(v) || e.Actor.Attributes.name === v);
        case 'image':
          return e.Actor.Attributes.image === v || (e.Type === 'image' && e.Actor.ID === v);
        case 'volume':
          return e.Type === 'volume' && e.Actor.ID === v;
        case 'label': {
          const [lk, lv] = v.split('=', 2) as [string, string | undefined];
          return lk in e.Actor.Attributes && (lv === undefined || e.Actor.Attributes[lk] === lv);
        }
        default:
          return true;
      }
    });
    if (!ok) return false;
  }
  return true;
}

export function register(r: Router, e: Engine): void {
  r.get('/events', (ctx) => {
    const since = parseTime(ctx.query.get('since'));
    const until = parseTime(ctx.query.get('until'));
    const filters = ctx.filters();
    const res = ctx.stream(200, 'application/json');
    const send = (ev: EngineEvent) => {
      if (until !== undefined && ev.timeNano > until) return;
      if (!res.writableEnded && matches(ev, filters)) res.write(`${JSON.stringify(ev)}\n`);
    };
    if (since !== undefined) for (const ev of e.events.since(since)) send(ev);
    if (until !== undefined && until <= Date.now() * 1e6) {
      res.end();
      return;
    }
    const unsubscribe = e.events.subscribe(send);
    const timer = until !== undefined ? setTimeout(() => res.end(), until / 1e6 - Date.now()) : undefined;
    res.on('close', () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    });
  });
}
