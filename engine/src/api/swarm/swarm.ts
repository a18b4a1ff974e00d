// Swarm-mode routes: engined is never part of a swarm, so every one answers as a dockerd that has not
// joined one (503 "This node is not a swarm manager…"); init and join, which would make it one, are
// refused as unsupported instead of being accepted and ignored.
import type { Router } from '../../daemon/http/router.js';
import type { HttpContext } from '../../daemon/http/context.js';
import { ApiError, badRequest } from '../../daemon/http/api-error.js';

export const NOT_A_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

const notManager = (): ApiError => new ApiError(503, NOT_A_MANAGER);

/** dockerd parses the object version of an update before it finds there is no swarm. */
function requireVersion(ctx: HttpContext, what: string): void {
  const v = ctx.query.get('version') ?? '';
  if (!/^\d+$/.test(v)) throw badRequest(`invalid ${what} version '${v}': strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/** Service and task logs check their stream options first, as dockerd does. */
function requireStream(ctx: HttpContext): void {
  if (!ctx.flag('stdout') && !ctx.flag('stderr')) throw new ApiError(500, 'Bad parameters: you must choose at least one stream');
}

export function register(r: Router): void {
  const managerOnly = (method: string, pattern: string, check?: (ctx: HttpContext) => void) =>
    r.add(method, pattern, (ctx) => {
      check?.(ctx);
      throw notManager();
    });
  r.add('POST', '/swarm/init', () => {
    throw new ApiError(501, 'swarm mode is not supported by this daemon');
  });
  r.add('POST', '/swarm/join', () => {
    throw new ApiError(501, 'swarm mode is not supported by this daemon');
  });
  r.add('POST', '/swarm/leave', () => {
    throw new ApiError(503, 'This node is not part of a swarm');
  });
  managerOnly('POST', '/swarm/update', (ctx) => requireVersion(ctx, 'swarm'));
  managerOnly('GET', '/swarm/unlockkey');
  managerOnly('POST', '/swarm/unlock');
  managerOnly('GET', '/swarm');
  managerOnly('POST', '/nodes/{id}/update', (ctx) => requireVersion(ctx, 'node'));
  for (const kind of ['services', 'tasks']) managerOnly('GET', `/${kind}/{id}/logs`, requireStream);
  for (const kind of ['services', 'secrets', 'configs']) managerOnly('POST', `/${kind}/create`);
  managerOnly('POST', '/services/{id}/update', (ctx) => requireVersion(ctx, 'service'));
  for (const kind of ['secrets', 'configs']) {
    managerOnly('POST', `/${kind}/{id}/update`, (ctx) => {
      if (!/^\d+$/.test(ctx.query.get('version') ?? '')) throw badRequest(`invalid ${kind.slice(0, -1)} version`);
    });
  }
  for (const kind of ['nodes', 'services', 'tasks', 'secrets', 'configs']) {
    managerOnly('GET', `/${kind}`);
    managerOnly('GET', `/${kind}/{id}`);
    if (kind !== 'tasks') managerOnly('DELETE', `/${kind}/{id}`);
  }
}
