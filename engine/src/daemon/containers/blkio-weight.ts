// Whether this kernel takes a block I/O weight (cgroup v1 blkio or v2 io, CFQ or BFQ); dockerd
// discards the weight with a warning where it does not.
import * as fs from 'node:fs';

const WEIGHT_FILES = ['/sys/fs/cgroup/blkio/blkio.weight', '/sys/fs/cgroup/blkio/blkio.bfq.weight', '/sys/fs/cgroup/io.weight', '/sys/fs/cgroup/io.bfq.weight'];

export function blkioWeightSupported(): boolean {
  return WEIGHT_FILES.some((f) => fs.existsSync(f));
}

export const BLKIO_WEIGHT_DISCARDED = 'Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.';
