// GET/HEAD /_ping: liveness and the API version the client should use (read from the headers).
import type { Router } from '../../daemon/http/router.js';
import type { HttpContext } from '../../daemon/http/context.js';

const HEADERS = { 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache', 'Docker-Experimental': 'false', Ostype: 'linux', 'Builder-Version': '1' };

function ping(ctx: HttpContext): void {
  if (ctx.method === 'HEAD') {
    ctx.sendText(200, '', { ...HEADERS, 'Content-Length': '0' });
    return;
  }
  ctx.sendText(200, 'OK', HEADERS);
}

export function register(r: Router): void {
  r.get('/_ping', ping).head('/_ping', ping);
}
