// --ipc, --pid and --uts modes: checked at create (a container:NAME must exist), resolved at start
// into namespace paths and the /dev/shm the container gets, with dockerd's messages. A shareable
// container's /dev/shm is a tmpfs on the host (ipc-shm.ts) that joiners bind too.
import { ApiError, badRequest } from '../http/api-error.js';
import type { ContainerRecord } from '../state/container-record.js';

const CONTAINER = 'container:';
/** The daemon's default IPC mode (dockerd 20.10's `default-ipc-mode`). */
export const DEFAULT_IPC_MODE = 'private';

type Find = (ref: string) => ContainerRecord | undefined;

function running(rec: ContainerRecord): boolean {
  return (rec.State.Status === 'running' || rec.State.Status === 'paused') && rec.State.Pid > 0;
}

/** The modes a create request asks for, with defaults filled in as dockerd stores them. */
export function checkNamespaceModes(h: { IpcMode?: unknown; PidMode?: unknown; UTSMode?: unknown }, find: Find): { IpcMode: string; PidMode: string; UTSMode: string } {
  const ipc = typeof h.IpcMode === 'string' && h.IpcMode ? h.IpcMode : DEFAULT_IPC_MODE;
  const pid = typeof h.PidMode === 'string' ? h.PidMode : '';
  const uts = typeof h.UTSMode === 'string' ? h.UTSMode : '';
  if (!['private', 'shareable', 'none', 'host'].includes(ipc) && !ipc.startsWith(CONTAINER)) throw badRequest(`Invalid IPC mode: ${ipc}`);
  if (!['', 'host'].includes(pid) && !pid.startsWith(CONTAINER)) throw badRequest(`invalid PID mode: ${pid}`);
  if (!['', 'host'].includes(uts)) throw badRequest(`invalid UTS mode: ${uts}`);
  // dockerd keeps the other container by its full ID (a rename does not break the link).
  const resolve = (mode: string): string => {
    if (!mode.startsWith(CONTAINER)) return mode;
    const name = mode.slice(CONTAINER.length);
    if (!name) throw badRequest(`invalid name or ID supplied: ""`);
    const target = find(name);
    if (!target) throw badRequest(`No such container: ${name}`);
    return `${CONTAINER}${target.ID}`;
  };
  return { IpcMode: resolve(ipc), PidMode: resolve(pid), UTSMode: uts };
}

export interface NamespacePlan {
  /** undefined: a new namespace; null: the host's; a string: join that one. */
  ipc: string | null | undefined;
  pid: string | null | undefined;
  uts: null | undefined;
  /** What /dev/shm is: the container's own tmpfs, a bind of `source`, or nothing (--ipc none). */
  shm: { kind: 'own' } | { kind: 'bind'; source: string } | { kind: 'none' };
}

/** The namespaces a container joins when it starts now. */
export function planNamespaces(rec: ContainerRecord, find: Find, shmOf: (id: string) => string): NamespacePlan {
  const h = rec.HostConfig;
  const ipcMode = h.IpcMode || DEFAULT_IPC_MODE;
  const plan: NamespacePlan = { ipc: undefined, pid: undefined, uts: h.UTSMode === 'host' ? null : undefined, shm: { kind: 'own' } };
  if (ipcMode === 'host') plan.ipc = null;
  if (ipcMode === 'host') plan.shm = { kind: 'bind', source: '/dev/shm' };
  if (ipcMode === 'none') plan.shm = { kind: 'none' };
  if (ipcMode === 'shareable') plan.shm = { kind: 'bind', source: shmOf(rec.ID) };
  if (ipcMode.startsWith(CONTAINER)) {
    const name = ipcMode.slice(CONTAINER.length);
    const donor = find(name);
    if (!donor) throw new ApiError(500, `can't join IPC of container ${name}: No such container: ${name}`);
    if (!running(donor)) throw new ApiError(409, `can't join IPC of container ${donor.ID}: container ${donor.ID} is not running`);
    const donorMode = donor.HostConfig.IpcMode || DEFAULT_IPC_MODE;
    if (donorMode === 'host') {
      plan.ipc = null;
      plan.shm = { kind: 'bind', source: '/dev/shm' };
    } else if (donorMode === 'shareable') {
      plan.ipc = `/proc/${donor.State.Pid}/ns/ipc`;
      plan.shm = { kind: 'bind', source: shmOf(donor.ID) };
    } else {
      throw new ApiError(500, `can't join IPC of container ${donor.ID}: non-shareable IPC (hint: use IpcMode:shareable for the donor container)`);
    }
  }
  const pidMode = h.PidMode ?? '';
  if (pidMode === 'host') plan.pid = null;
  if (pidMode.startsWith(CONTAINER)) {
    const name = pidMode.slice(CONTAINER.length);
    const target = find(name);
    if (!target) throw new ApiError(500, `cannot join PID of container ${name}: No such container: ${name}`);
    if (!running(target)) throw new ApiError(409, `container ${target.ID} is not running`);
    plan.pid = `/proc/${target.State.Pid}/ns/pid`;
  }
  return plan;
}
