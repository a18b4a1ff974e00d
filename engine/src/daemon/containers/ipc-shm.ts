// The /dev/shm of a container with --ipc shareable: a tmpfs the engine mounts on the host under the
// container's directory (as dockerd does), bound into it and into every container that joins its
// IPC namespace; mounted at start, unmounted when the container stops or is removed.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const pExecFile = promisify(execFile);

export function shmPath(containerDir: string): string {
  return path.join(containerDir, 'mounts', 'shm');
}

function isMountPoint(p: string): boolean {
  const mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  // Field 5 is the mount point, with spaces and the like octal-escaped.
  const escaped = p.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return mountinfo.split('\n').some((l) => l.split(' ')[4] === escaped);
}

export async function mountShm(containerDir: string, sizeBytes: number): Promise<string> {
  const p = shmPath(containerDir);
  if (isMountPoint(p)) return p;
  fs.mkdirSync(p, { recursive: true, mode: 0o700 });
  await pExecFile('mount', ['-t', 'tmpfs', '-o', `nosuid,nodev,noexec,mode=1777,size=${sizeBytes}`, 'shm', p]);
  return p;
}

export async function unmountShm(containerDir: string): Promise<void> {
  const p = shmPath(containerDir);
  if (!fs.existsSync(p) || !isMountPoint(p)) return;
  await pExecFile('umount', [p]).catch(() => pExecFile('umount', ['-l', p]));
}
