// GET /images/json, GET /images/{name}/json, GET /images/{name}/history
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest } from '../../daemon/http/api-error.js';
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

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

export function register(r: Router, e: Engine): void {
  r.get('/images/json', async (ctx) => {
    const filters = ctx.filters();
    for (const k of filters.keys()) if (!['reference', 'dangling', 'label', 'before', 'since'].includes(k)) throw badRequest(`invalid filter '${k}'`);
    const containers = e.containers.store.all();
    let list = await e.images.list();
    const refs = filters.get('reference');
    const refMatch = (t: string) => refs === undefined || refs.some((p) => globMatch(p, t) || globMatch(p, t.replace(/:[^:/]*$/, '')));
    if (refs) list = list.filter((i) => repoTags(i).some(refMatch));
    if (filters.get('dangling')?.includes('true')) list = [];
    for (const l of filters.get('label') ?? []) {
      const [k, v] = l.split('=', 2) as [string, string | undefined];
      list = list.filter((i) => {
        const labels = i.labels ?? {};
        return k in labels && (v === undefined || labels[k] === v);
      });
    }
    list.sort((a, b) => b.created.getTime() - a.created.getTime());
    ctx.sendJson(
      200,
      list.map((i) => ({
        Id: i.id,
        ParentId: '',
        RepoTags: repoTags(i).filter(refMatch),
        RepoDigests: repoDigests(i),
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
