// RUN: the command in a real container (engined's own create/start, so containerd-ts, the shim and
// runc-ts run it) on the previous step's image, with the build's network mode; its output streamed
// into the build as it comes. The caller commits the container's snapshot and removes it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Engine } from '../engine.js';
import { SNAPSHOTTER } from '../containerd/client.js';
import type { ImageRunConfig } from '../images/image-types.js';
import { upperDirOf } from './snapshot-mount.js';

export interface RunRequest {
  imageId: string;
  cmd: string[];
  config: ImageRunConfig;
  env: string[];
  networkMode: string;
}

/** Creates the container (not started): its ID. */
export async function createRunContainer(e: Engine, r: RunRequest): Promise<string> {
  const { Id } = await e.containers.create(null, {
    Image: r.imageId,
    Cmd: r.cmd,
    Entrypoint: [''],
    Env: r.env,
    User: r.config.User ?? '',
    WorkingDir: r.config.WorkingDir ?? '',
    Labels: r.config.Labels ?? {},
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: { NetworkMode: r.networkMode },
  });
  return Id;
}

/** Starts the container with its output going to `out`; the exit status. */
export async function runToExit(e: Engine, id: string, out: (chunk: Buffer) => void, cancel: AbortSignal): Promise<number> {
  const abort = new AbortController();
  const attached = e.containers.attach(id, { stdin: false, stdout: true, stderr: true }, abort.signal);
  try {
    await e.containers.start(id);
  } catch (err) {
    abort.abort();
    await attached.catch(() => undefined);
    throw err;
  }
  const a = await attached;
  let status: number | undefined;
  const kill = () => void e.containers.kill(id, 'SIGKILL').catch(() => undefined);
  cancel.addEventListener('abort', kill, { once: true });
  try {
    for (let r = await a.next(); !r.done; r = await a.next()) {
      const k = r.value.kind;
      if (k.case === 'stdout' || k.case === 'stderr') out(Buffer.from(k.value));
      else if (k.case === 'exit') {
        status = k.value.exitStatus;
        break;
      }
    }
  } finally {
    cancel.removeEventListener('abort', kill);
    a.close();
  }
  const waited = await e.containers.wait(id, 'not-running');
  return status ?? waited.StatusCode;
}

/** What the runtime makes as mount points; dockerd keeps them in an init layer, never in a build layer. */
const RUNTIME_MOUNT_POINTS = ['/dev/pts', '/dev/shm', '/dev/mqueue', '/dev/console', '/dev', '/proc', '/sys', '/etc/resolv.conf', '/etc/hosts', '/etc/hostname', '/etc/mtab'];

/**
 * Removes from the finished container's writable dir the empty files and directories the runtime
 * made only to mount over, so the step's layer holds what the command did and nothing more.
 */
export async function dropRuntimeMountPoints(e: Engine, id: string): Promise<void> {
  const { mounts } = await e.containerd.snapshots.mounts({ snapshotter: SNAPSHOTTER, key: id });
  const dirs = upperDirOf(mounts.map((m) => ({ type: m.type, source: m.source, options: [...m.options] })));
  if (!dirs) return;
  for (const p of RUNTIME_MOUNT_POINTS) {
    const host = path.join(dirs.upper, p);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(host);
    } catch {
      continue;
    }
    const inLower = dirs.lowers.some((l) => fs.existsSync(path.join(l, p)));
    if (st.isFile() && st.size === 0 && !inLower) fs.rmSync(host);
    // These directories were mounted over while the command ran, so it cannot have emptied them itself.
    else if (st.isDirectory() && fs.readdirSync(host).length === 0) fs.rmdirSync(host);
  }
  // A directory copied up (or made) only to hold those (/etc) is dropped too when left empty with the
  // lower one's owner and mode, or when there is no lower one: the command changed nothing in it.
  for (const p of ['/etc']) {
    const host = path.join(dirs.upper, p);
    const lower = dirs.lowers.map((l) => path.join(l, p)).find((l) => fs.existsSync(l));
    let st: fs.Stats;
    try {
      st = fs.lstatSync(host);
    } catch {
      continue;
    }
    if (!st.isDirectory() || fs.readdirSync(host).length !== 0) continue;
    // Without a lower one, the runtime made it (dockerd's init layer has it, so a command could not).
    if (!lower) {
      fs.rmdirSync(host);
      continue;
    }
    const lst = fs.lstatSync(lower);
    if (lst.isDirectory() && lst.mode === st.mode && lst.uid === st.uid && lst.gid === st.gid) fs.rmdirSync(host);
  }
}
