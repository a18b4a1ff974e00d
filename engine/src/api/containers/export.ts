// GET /containers/{id}/export: the container's filesystem as a tar stream (`docker export`).
import type { Engine } from '../../daemon/engine.js';
import { exportRootfs } from '../../daemon/containers/export-rootfs.js';
import type { Router } from '../../daemon/http/router.js';

export function register(r: Router, e: Engine): void {
  r.get('/containers/{id}/export', async (ctx) => {
    const rec = e.containers.store.get(ctx.param('id'));
    const it = exportRootfs(e.containerd, rec.ID)[Symbol.asyncIterator]();
    // The first chunk before the 200: errors up to there still get a proper status.
    let next = await it.next();
    const res = ctx.stream(200, 'application/x-tar');
    try {
      for (; !next.done; next = await it.next()) {
        // A client that goes away ends the export (and its clean-up runs), never a wait for 'drain'.
        if (!res.write(next.value)) await new Promise((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
        if (res.destroyed) break;
      }
      if (!res.destroyed) res.end();
    } catch {
      res.destroy();
    } finally {
      await it.return?.(undefined);
    }
    e.events.publish('container', 'export', rec.ID, { name: rec.Name.replace(/^\//, '') });
  });
}
