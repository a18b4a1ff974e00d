// GET /images/json, GET /images/{name}/json, GET /images/{name}/history
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { imageListFilters, imagePasses, listedNames } from './list-filters.js';
import { familiarName, familiarRepository, parseReference } from '../../common/reference.js';
import type { ListedImage } from '../../daemon/images/image-store.js';

export function repoTags(img: Pick<ListedImage, 'names'>): string[] {
  return img.names.filter((n) => !n.includes('@')).map(familiarName);
}

/** The `repo@digest` names only: a registry is known to hold the image under them (pull, push). */
export function repoDigests(img: Pick<ListedImage, 'records'>): string[] {
  const out = new Set<string>();
  for (const r of img.records) {
    if (!r.name.includes('@')) continue;
    try {
      out.add(`${familiarRepository(parseReference(r.name))}@${r.target.digest}`);
    } catch {
      // unparsable name
    }
  }
  return [...out];
}

export function register(r: Router, e: Engine): void {
  r.get('/images/json', async (ctx) => {
    const f = await imageListFilters(ctx.filters(), async (name) => (await e.images.get(name)).created);
    const containers = e.containers.store.all();
    const rows = [];
    for (const i of await e.images.list()) {
      if (!imagePasses(f, i.created, i.labels)) continue;
      const names = listedNames(f, repoTags(i), repoDigests(i));
      if (!names) continue;
      rows.push({ i, names });
    }
    rows.sort((a, b) => b.i.created.getTime() - a.i.created.getTime());
    ctx.sendJson(
      200,
      rows.map(({ i, names }) => ({
        Id: i.id,
        ParentId: '',
        // dockerd's placeholders for an image with no name at all (this engine keeps none yet), and
        // null, not [], for an image with no tag or no digest.
        RepoTags: names.tags.length ? names.tags : names.digests.length ? null : ['<none>:<none>'],
        RepoDigests: names.digests.length ? names.digests : names.tags.length ? null : ['<none>@<none>'],
        Created: Math.floor(i.created.getTime() / 1000),
        Size: i.size,
        SharedSize: -1,
        VirtualSize: i.size,
        Labels: i.labels,
        Containers: ctx.flag('shared-size') ? containers.filter((c) => c.Image === i.id).length : -1,
      })),
    );
  });

  r.get('/images/{name*}/json', async (ctx) => {
    const i = await e.images.get(ctx.param('name'));
    const cfg = i.config;
    ctx.sendJson(200, {
      Id: i.id,
      RepoTags: repoTags(i),
      RepoDigests: repoDigests(i),
      Parent: '',
      Comment: cfg.comment ?? '',
      Created: cfg.created ?? i.created.toISOString(),
      Container: cfg.container ?? '',
      ContainerConfig: cfg.container_config ?? {},
      DockerVersion: cfg.docker_version ?? '',
      Author: cfg.author ?? '',
      Config: cfg.config ?? {},
      Architecture: cfg.architecture,
      Variant: cfg.variant,
      Os: cfg.os,
      Size: i.size,
      VirtualSize: i.size,
      GraphDriver: { Name: 'overlayfs', Data: null },
      RootFS: { Type: 'layers', Layers: cfg.rootfs?.diff_ids ?? [] },
      Metadata: { LastTagTime: i.records[0]?.updatedAt.toISOString() ?? '' },
    });
  });

  r.get('/images/{name*}/history', async (ctx) => {
    const i = await e.images.get(ctx.param('name'));
    const history = i.config.history ?? [];
    const layers = [...i.manifest.layers];
    let li = 0;
    const rows = history.map((h) => {
      const size = h.empty_layer ? 0 : (layers[li++]?.size ?? 0);
      return { Id: '<missing>', Created: h.created ? Math.floor(Date.parse(h.created) / 1000) : 0, CreatedBy: h.created_by ?? '', Tags: null as string[] | null, Size: size, Comment: h.comment ?? '' };
    });
    rows.reverse();
    if (rows[0]) {
      rows[0].Id = i.id;
      rows[0].Tags = repoTags(i);
    } else {
      rows.push({ Id: i.id, Created: Math.floor(i.created.getTime() / 1000), CreatedBy: '', Tags: repoTags(i), Size: i.size, Comment: '' });
    }
    ctx.sendJson(200, rows);
  });
}
