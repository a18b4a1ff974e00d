// POST /commit?container=…&repo=…&tag=…&comment=…&author=…&pause=…&changes=…: a new image from a
// container's changes (`docker commit`). The body, when given, is a container config whose run
// fields replace the container's own before the changes apply, as dockerd merges it.
import { familiarName } from '../../common/reference.js';
import { commitContainer, requireName } from '../../daemon/images/commit.js';
import { parseNewName } from '../../daemon/images/image-store.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest } from '../../daemon/http/api-error.js';
import type { Router } from '../../daemon/http/router.js';

const RUN_FIELDS = ['User', 'ExposedPorts', 'Env', 'Cmd', 'Entrypoint', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal', 'OnBuild'];

export function register(r: Router, e: Engine): void {
  r.post('/commit', async (ctx) => {
    const rec = e.containers.store.get(ctx.query.get('container') ?? '');
    const repo = ctx.query.get('repo') ?? '';
    requireName(repo);
    const name = parseNewName(repo, ctx.query.get('tag') || undefined);
    const raw = (await ctx.body()).toString('utf8').trim();
    const overrides: Record<string, unknown> = {};
    if (raw !== '' && raw !== 'null') {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        throw badRequest('invalid JSON in the commit body');
      }
      for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) if (RUN_FIELDS.includes(k) && v !== null && v !== undefined) overrides[k] = v;
    }
    const target = { ...rec, Config: { ...rec.Config, ...overrides } };
    const pause = ctx.query.get('pause') === null ? true : ctx.flag('pause');
    const { id } = await commitContainer(e.containerd, e.images, target, { name, author: ctx.query.get('author') ?? '', comment: ctx.query.get('comment') ?? '', changes: ctx.query.getAll('changes'), pause });
    e.events.publish('container', 'commit', rec.ID, { comment: ctx.query.get('comment') ?? '', imageID: id, imageRef: familiarName(name), name: rec.Name.replace(/^\//, '') });
    ctx.sendJson(201, { Id: id });
  });
}
