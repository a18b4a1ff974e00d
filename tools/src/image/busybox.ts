import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { DEFAULT_PATH } from './image-config.js';
import { elfLinkage } from './elf.js';
import type { LayerEntry } from './layer-entry.js';
import { writeOciImage, type BuiltImage } from './write-image.js';

export const DEFAULT_BUSYBOX = '/bin/busybox';
export const DEFAULT_BUSYBOX_TAG = 'docker.io/library/busybox:latest';

export interface BuildBusyboxImageOptions {
  outDir: string;
  /** A statically linked busybox; default /bin/busybox (Debian busybox-static). */
  busybox?: string;
  archivePath?: string;
  /** Image name in the archive and index.json; default docker.io/library/busybox:latest. */
  repoTag?: string;
  refName?: string;
}

const PASSWD = ['root:x:0:0:root:/root:/bin/sh', 'user:x:1000:1000:user:/home/user:/bin/sh', 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false', ''].join('\n');
const GROUP = ['root:x:0:', 'user:x:1000:', 'nogroup:x:65534:', ''].join('\n');

/** A one-layer image of the host's static busybox with an applet symlink per command in /bin. */
export async function buildBusyboxImage(opts: BuildBusyboxImageOptions): Promise<BuiltImage> {
  const busybox = opts.busybox ?? DEFAULT_BUSYBOX;
  checkStaticBusybox(busybox);
  const applets = await listApplets(busybox);

  const dirs: [string, number, number?][] = [
    ['bin', 0o755], ['dev', 0o755], ['proc', 0o555], ['sys', 0o555], ['tmp', 0o1777], ['etc', 0o755],
    ['root', 0o700], ['var', 0o755], ['var/www', 0o755], ['home', 0o755], ['home/user', 0o755, 1000],
  ];
  const entries: LayerEntry[] = [
    ...dirs.map(([path, mode, owner]): LayerEntry => ({ path, type: 'dir', mode, uid: owner ?? 0, gid: owner ?? 0 })),
    { path: 'bin/busybox', type: 'file', source: busybox, mode: 0o755 },
    ...applets.map((name): LayerEntry => ({ path: `bin/${name}`, type: 'symlink', linkname: 'busybox' })),
    { path: 'etc/passwd', type: 'file', content: PASSWD },
    { path: 'etc/group', type: 'file', content: GROUP },
  ];
  return writeOciImage({
    outDir: opts.outDir,
    layers: [{ entries, createdBy: `busybox ${applets.length} applets` }],
    config: { cmd: ['sh'], env: [DEFAULT_PATH] },
    repoTag: opts.repoTag ?? DEFAULT_BUSYBOX_TAG,
    ...(opts.refName !== undefined ? { refName: opts.refName } : {}),
    ...(opts.archivePath !== undefined ? { archivePath: opts.archivePath } : {}),
  });
}

/** The image must run without the host's libc, so only a static busybox will do. */
export function checkStaticBusybox(busybox: string): void {
  const st = fs.statSync(busybox, { throwIfNoEntry: false });
  if (!st) throw new Error(`busybox not found at ${busybox}; install busybox-static`);
  if (!st.isFile()) throw new Error(`busybox at ${busybox} is not a regular file`);
  let interpreter: string | undefined;
  try {
    interpreter = elfLinkage(busybox).interpreter;
  } catch (err) {
    throw new Error(`busybox at ${busybox} is not usable: ${(err as Error).message}`);
  }
  if (interpreter !== undefined) {
    throw new Error(`busybox at ${busybox} is not statically linked (it needs ${interpreter}); install busybox-static`);
  }
}

async function listApplets(busybox: string): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(busybox, ['--list'], { timeout: 10_000 }));
  } catch (err) {
    throw new Error(`busybox at ${busybox} did not list its applets: ${(err as Error).message}`);
  }
  const applets = [...new Set(stdout.split('\n').map((s) => s.trim()))].filter((a) => /^[A-Za-z0-9._[\]-]+$/.test(a) && a !== 'busybox');
  if (!applets.includes('sh')) throw new Error(`busybox at ${busybox} has no sh applet`);
  return applets.sort();
}
