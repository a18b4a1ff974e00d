// POST /networks/{id}/connect {Container, EndpointConfig}, POST /networks/{id}/disconnect {Container, Force}.
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest } from '../../daemon/http/api-error.js';
import { endpointConfigOf } from '../../daemon/containers/networking-config.js';
import { ContainerNetworks } from '../../daemon/networking/container-networks.js';

function containerOf(body: Record<string, unknown>): string {
  if (typeof body.Container !== 'string' || !body.Container) throw badRequest('Container is required');
  return body.Container;
}

export function register(r: Router, e: Engine): void {
  const networks = new ContainerNetworks(e.containers, e.net, e.events);
  r.post('/networks/{id}/connect', async (ctx) => {
    const body = await ctx.json();
    const network = ctx.param('id');
    await networks.connect(network, containerOf(body), endpointConfigOf(body.EndpointConfig, network));
    ctx.sendText(200, '');
  });
  r.post('/networks/{id}/disconnect', async (ctx) => {
    const body = await ctx.json();
    await networks.disconnect(ctx.param('id'), containerOf(body));
    ctx.sendText(200, '');
  });
}
