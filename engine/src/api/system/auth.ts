// POST /auth: checks registry credentials; the client keeps them (in its credential file).
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest } from '../../daemon/http/api-error.js';
import { login } from '../../daemon/images/registry-login.js';

export function register(r: Router, e: Engine): void {
  r.post('/auth', async (ctx) => {
    const body = await ctx.json();
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const server = typeof body.serveraddress === 'string' && body.serveraddress ? body.serveraddress : 'https://index.docker.io/v1/';
    if (!username) throw badRequest('username is required');
    await login(server, username, password, e.config.insecureRegistries);
    ctx.sendJson(200, { Status: 'Login Succeeded', IdentityToken: '' });
  });
}
