// GET /images/get?names=…, GET /images/{name}/get (save), POST /images/load: tarballs through
// containerd-ts's Transfer Export and Import.
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { ApiError, badRequest, statusOf } from '../../daemon/http/api-error.js';
import { familiarName, normalizedName } from '../../common/reference.js';
import { SNAPSHOTTER } from '../../daemon/containerd/client.js';
import { errorMessage } from '../../daemon/images/progress-messages.js';
import type { HttpContext } from '../../daemon/http/context.js';

async function save(e: Engine, ctx: HttpContext, inputs: string[]): Promise<void> {
  if (!inputs.length) throw badRequest('no image names given');
  const names = new Set<string>();
  for (const input of inputs) {
    const img = await e.images.get(input);
    let asName: string | undefined;
    try {
      asName = normalizedName(input);
    } catch {
      asName = undefined;
    }
    if (asName && img.names.includes(asName)) names.add(asName);
    else for (const n of img.names) names.add(n);
  }
  const it = e.containerd.transfer.export({ names: [...names] })[Symbol.asyncIterator]();
  let first;
  try {
    first = await it.next();
  } catch (err) {
    const { status, message } = statusOf(err);
    throw new ApiError(status, message);
  }
  const res = ctx.stream(200, 'application/x-tar');
  try {
    for (let c = first; !c.done; c = await it.next()) {
      if (!res.write(Buffer.from(c.value.data))) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  } catch {
    res.destroy();
  }
}

async function* importRequests(body: AsyncIterable<Buffer>) {
  yield { data: new Uint8Array(), snapshotter: SNAPSHOTTER };
  for await (const chunk of body) yield { data: chunk };
}

export function register(r: Router, e: Engine): void {
  r.get('/images/get', (ctx) => save(e, ctx, ctx.query.getAll('names')));
  r.get('/images/{name*}/get', (ctx) => save(e, ctx, [ctx.param('name')]));

  r.post('/images/load', async (ctx) => {
    const it = e.containerd.transfer.import(importRequests(ctx.bodyStream()))[Symbol.asyncIterator]();
    let first;
    try {
      first = await it.next();
    } catch (err) {
      const { status, message } = statusOf(err);
      throw new ApiError(status === 500 ? 500 : status, message);
    }
    const res = ctx.stream(200, 'application/json');
    try {
      for (let p = first; !p.done; p = await it.next()) {
        if (p.value.status === 'done' && p.value.imageName) {
          const name = familiarName(p.value.imageName);
          res.write(`${JSON.stringify({ stream: `Loaded image: ${name}\n` })}\n`);
          e.events.publish('image', 'load', name, { name });
        }
      }
    } catch (err) {
      res.write(`${JSON.stringify(errorMessage(statusOf(err).message))}\n`);
    }
    res.end();
  });
}
