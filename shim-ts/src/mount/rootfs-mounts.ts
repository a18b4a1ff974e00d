// The container's root filesystem from the mounts containerd-ts passes in Create (an overlay of the
// snapshot, usually), mounted on <bundle>/rootfs before the runtime runs, unmounted at Delete.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linuxSyscalls as sys, parseMountOptions } from '@stack/runc-ts';

export interface MountSpec {
  type: string;
  source: string;
  options: readonly string[];
}

const MNT_DETACH = 2;
const MS_BIND = 0x1000;
const MS_REMOUNT = 0x20;

export function mountRootfs(bundle: string, mounts: readonly MountSpec[]): string {
  const target = path.join(bundle, 'rootfs');
  fs.mkdirSync(target, { recursive: true, mode: 0o711 });
  const done: string[] = [];
  let current: MountSpec | undefined;
  try {
    for (const m of mounts) {
      current = m;
      const { flags, data } = parseMountOptions(m.options);
      const bind = m.type === 'bind' || (flags & MS_BIND) !== 0;
      sys.mount(m.source, target, bind ? null : m.type, bind ? flags & (MS_BIND | 0x4000) : flags, bind ? null : data || null);
      done.push(target);
      if (bind && flags & ~(MS_BIND | 0x4000)) sys.mount(null, target, null, (flags & ~0x4000) | MS_BIND | MS_REMOUNT, null);
    }
  } catch (err) {
    for (const t of done.reverse()) unmountQuietly(t);
    // The errno's words without the bundle's path: this text reaches engine and ctr users.
    const e = err as NodeJS.ErrnoException;
    const reason = typeof e.code === 'string' ? e.message.split(': ').slice(-2).join(': ') : e.message;
    throw new Error(`cannot mount the container's root filesystem (${current?.type ?? 'none'}): ${reason}`);
  }
  return target;
}

function unmountQuietly(target: string): void {
  try {
    sys.umount2(target, 0);
  } catch {
    try {
      sys.umount2(target, MNT_DETACH);
    } catch {
      // not mounted
    }
  }
}

/** Unmounts everything stacked on <bundle>/rootfs. */
export function unmountRootfs(bundle: string): void {
  const target = path.join(bundle, 'rootfs');
  for (let i = 0; i < 16; i++) {
    const mounted = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === target);
    if (!mounted) return;
    unmountQuietly(target);
  }
}
