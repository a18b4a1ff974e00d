// --init: a static init (tini as docker-init, catatonit) from the host, bound into the container.
import * as fs from 'node:fs';

const CANDIDATES = ['/usr/bin/docker-init', '/usr/libexec/docker/docker-init', '/usr/bin/tini-static', '/usr/bin/catatonit', '/usr/libexec/podman/catatonit', '/sbin/tini-static'];
export const INIT_TARGET = '/sbin/docker-init';

/** A dynamically linked binary names its loader in the first page (PT_INTERP): it would not run in the image. */
function isStatic(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    const b = head.subarray(0, n);
    return b.readUInt32BE(0) === 0x7f454c46 && !b.includes('/ld-linux') && !b.includes('/ld-musl') && !b.includes('/ld64.so');
  } finally {
    fs.closeSync(fd);
  }
}

export function findInitBinary(configured?: string): string {
  const list = configured ? [configured] : CANDIDATES;
  for (const p of list) {
    try {
      const real = fs.realpathSync(p);
      if (fs.statSync(real).isFile() && isStatic(real)) return real;
    } catch {
      // not there
    }
  }
  throw new Error(`--init needs a static init binary on the host (one of ${list.join(', ')}; Debian: apt-get install tini), and none was found`);
}
