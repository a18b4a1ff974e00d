// POST /images/{name}/tag, DELETE /images/{name}
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest, conflict } from '../../daemon/http/api-error.js';
import { familiarName, normalizedName, parseReference, repository } from '../../common/reference.js';
import { isBuildCacheName, parseNewName, type ResolvedImage } from '../../daemon/images/image-store.js';

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

/** Untags and deletes as `docker rmi` does; prune uses it too. */
export async function removeImage(e: Engine, input: string, force: boolean): Promise<Array<Record<string, string>>> {
  const img: ResolvedImage = await e.images.get(input);
  let asName: string | undefined;
  try {
    asName = normalizedName(input);
  } catch {
    asName = undefined;
  }
  const users = e.containers.store.all().filter((c) => c.Image === img.id);
  const running = users.find((c) => c.State.Status === 'running' || c.State.Status === 'paused');
  const out: Array<Record<string, string>> = [];
  if (asName && img.names.includes(asName)) {
    // Digest names (repo@sha256:…) do not keep an image: removing its last tag removes them too.
    const others = img.names.filter((n) => n !== asName);
    const last = others.every((n) => n.includes('@'));
    if (last && users.length && !force) {
      throw conflict(`conflict: unable to remove repository reference "${input}" (must force) - container ${short(users[0]!.ID)} is using its referenced image ${short(img.id)}`);
    }
    for (const n of last && !running ? [asName, ...others] : [asName]) {
      await e.images.untag(n);
      out.push({ Untagged: familiarName(n) });
      e.events.publish('image', 'untag', img.id, { name: familiarName(n) });
    }
    if (last && !running) {
      out.push({ Deleted: img.id });
      e.events.publish('image', 'delete', img.id, { name: img.id });
    }
    return out;
  }
  // As dockerd, by repository: busybox:latest and busybox@sha256:… are one.
  const repoOf = (n: string) => {
    try {
      return repository(parseReference(n));
    } catch {
      return n; // a name some other client stored: its own repository
    }
  };
  const repos = new Set(img.names.map(repoOf));
  if (repos.size > 1 && !force) throw conflict(`conflict: unable to delete ${short(img.id)} (must be forced) - image is referenced in multiple repositories`);
  if (running) throw conflict(`conflict: unable to delete ${short(img.id)} (cannot be forced) - image is being used by running container ${short(running.ID)}`);
  if (users.length && !force) throw conflict(`conflict: unable to delete ${short(img.id)} (must be forced) - image is being used by stopped container ${short(users[0]!.ID)}`);
  for (const n of img.names) {
    await e.images.untag(n);
    out.push({ Untagged: familiarName(n) });
  }
  // An untagged build result is held by the build cache's record only.
  for (const r of img.records) if (isBuildCacheName(r.name)) await e.images.untag(r.name);
  out.push({ Deleted: img.id });
  e.events.publish('image', 'delete', img.id, { name: img.id });
  return out;
}

export function register(r: Router, e: Engine): void {
  r.post('/images/{name*}/tag', async (ctx) => {
    const newName = parseNewName(ctx.query.get('repo') ?? '', ctx.query.get('tag') ?? undefined);
    const img = await e.images.get(ctx.param('name'));
    await e.images.tag(img.records[0]!.target, newName);
    e.events.publish('image', 'tag', img.id, { name: familiarName(newName) });
    ctx.noContent(201);
  });

  r.delete('/images/{name*}', async (ctx) => {
    ctx.sendJson(200, await removeImage(e, ctx.param('name'), ctx.flag('force')));
  });
}
