// What a create cut short by a crash leaves in containerd-ts: a container record, a task, or a
// prepared snapshot under a container ID the engine never saved. Removed at start-up.
import type { Containerd } from '../containerd/client.js';
import { SNAPSHOTTER } from '../containerd/client.js';

const CONTAINER_ID = /^[a-f0-9]{64}$/;

export async function reapOrphans(c: Containerd, known: ReadonlySet<string>, warn: (m: string) => void): Promise<void> {
  const { containers } = await c.containers.list({ filters: [] });
  for (const ctr of containers) {
    if (known.has(ctr.id)) continue;
    warn(`removing container ${ctr.id} left in containerd-ts by an interrupted create`);
    await c.tasks.kill({ containerId: ctr.id, execId: '', signal: 9, all: true }).catch(() => undefined);
    await c.tasks.delete({ containerId: ctr.id }).catch(() => undefined);
    await c.containers.delete({ id: ctr.id }).catch(() => undefined);
  }
  for await (const page of c.snapshots.list({ snapshotter: SNAPSHOTTER, filters: [] })) {
    for (const info of page.info) {
      if (!CONTAINER_ID.test(info.name) || known.has(info.name)) continue;
      warn(`removing snapshot ${info.name} left by an interrupted create`);
      await c.snapshots.remove({ snapshotter: SNAPSHOTTER, key: info.name }).catch(() => undefined);
    }
  }
}
