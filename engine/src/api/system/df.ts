// GET /system/df: what images, containers and volumes take on disk.
import { SNAPSHOTTER } from '../../daemon/containerd/client.js';
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { familiarName } from '../../common/reference.js';
import { summaryView } from '../../daemon/containers/container-view.js';

export function register(r: Router, e: Engine): void {
  r.get('/system/df', async (ctx) => {
    const images = await e.images.list();
    const containers = e.containers.store.all();
    const usage = async (key: string) => {
      try {
        return Number((await e.containerd.snapshots.usage({ snapshotter: SNAPSHOTTER, key })).size);
      } catch {
        return 0;
      }
    };
    const layersSize = images.reduce((s, i) => s + i.size, 0);
    const imageViews = images.map((i) => ({
      Id: i.id,
      ParentId: '',
      RepoTags: i.names.map(familiarName),
      RepoDigests: [],
      Created: Math.floor(i.created.getTime() / 1000),
      Size: i.size,
      SharedSize: -1,
      VirtualSize: i.size,
      Labels: i.labels ?? {},
      Containers: containers.filter((c) => c.Image === i.id).length,
    }));
    const containerViews = [];
    for (const c of containers) containerViews.push({ ...summaryView(c, c.Config.Image, e.containers.attachment(c.ID)), SizeRw: await usage(c.ID), SizeRootFs: 0 });
    const volumeViews = e.volumes.list().map((v) => ({ ...v, UsageData: { Size: e.volumes.usage(v.Name), RefCount: e.containers.volumeUsers(v.Name).length } }));
    ctx.sendJson(200, { LayersSize: layersSize, Images: imageViews, Containers: containerViews, Volumes: volumeViews, BuildCache: [] });
  });
}
