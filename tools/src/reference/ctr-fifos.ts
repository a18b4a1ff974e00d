// Stock `ctr run -d` leaves each task's FIFO directory under /run/containerd/fifo (containerd 1.6
// puts it there whatever its config says): benchmarks and tests remove the ones of their containers.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where stock ctr puts a task's FIFOs; `ctr run -d` leaves them behind. */
const CTR_FIFO_DIR = '/run/containerd/fifo';

/** Removes ctr's FIFO directories that hold only FIFOs of these containers. */
export function removeCtrFifos(ids: string[]): void {
  const names = new Set(ids.flatMap((id) => [`${id}-stdin`, `${id}-stdout`, `${id}-stderr`]));
  for (const d of fs.existsSync(CTR_FIFO_DIR) ? fs.readdirSync(CTR_FIFO_DIR) : []) {
    const dir = path.join(CTR_FIFO_DIR, d);
    try {
      const entries = fs.readdirSync(dir);
      if (entries.length > 0 && entries.every((e) => names.has(e))) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // gone meanwhile
    }
  }
}
