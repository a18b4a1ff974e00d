// A create request (Config + HostConfig) checked and completed from the image the way dockerd
// does it, before anything is created: every 400 is raised here.
import { mergeHealthcheck, validateHealthcheck, type HealthConfig } from './healthcheck.js';
import * as os from 'node:os';
import { ApiError, badRequest } from '../http/api-error.js';
import { blkioWeightSupported } from './blkio-weight.js';
import type { ImageConfig } from '../images/image-types.js';
import { checkDeviceMapping, parseCgroupRule } from '../../oci/devices.js';
import { MASKED_PATHS, READONLY_PATHS } from '../../oci/spec-builder.js';
import type { ContainerConfig, HostConfig, RestartPolicy } from '../state/container-record.js';

const RESTART_NAMES = ['', 'no', 'always', 'on-failure', 'unless-stopped'];
const MIN_MEMORY = 6 * 1024 * 1024;
const PORT_KEY = /^\d{1,5}(-\d{1,5})?(\/(tcp|udp|sctp))?$/;

function strings(v: unknown, what: string): string[] | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw badRequest(`invalid ${what}: expected a list of strings`);
  return v as string[];
}

function num(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`invalid ${what}: expected a number`);
  return v;
}

function record<T = string>(v: unknown, what: string): Record<string, T> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`invalid ${what}: expected an object`);
  return v as Record<string, T>;
}

/** Env lists merged by key, the later list winning. */
export function mergeEnv(base: readonly string[], over: readonly string[]): string[] {
  const out = [...base];
  for (const e of over) {
    const key = e.split('=', 1)[0]!;
    const i = out.findIndex((x) => x.split('=', 1)[0] === key);
    if (i >= 0) out[i] = e;
    else out.push(e);
  }
  return out;
}

function devicesOf(v: unknown): HostConfig['Devices'] {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw badRequest('invalid Devices: expected a list of device mappings');
  return v.map(checkDeviceMapping);
}

const NAMESPACED_SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

/** --sysctl: only what lives in the container's own namespaces (runc's rule; it refuses the rest at start). */
function checkedSysctls(v: unknown, networkMode: string, ipcMode: unknown, utsMode: unknown): Record<string, string> | undefined {
  const map = record(v, 'Sysctls');
  for (const [k, val] of Object.entries(map)) {
    if (typeof val !== 'string') throw badRequest(`invalid Sysctls: the value of ${k} must be a string`);
    const ipc = NAMESPACED_SYSCTLS.has(k) || k.startsWith('fs.mqueue.');
    if (ipc && ipcMode === 'host') throw badRequest(`sysctl "${k}" not allowed in host IPC namespace`);
    if (k.startsWith('net.') && (networkMode === 'host' || networkMode.startsWith('container:'))) throw badRequest(`sysctl "${k}" not allowed in host network namespace`);
    if (k === 'kernel.domainname' || k === 'kernel.hostname') {
      if (utsMode === 'host') throw badRequest(`sysctl "${k}" not allowed in host UTS namespace`);
      continue;
    }
    if (!ipc && !k.startsWith('net.')) throw badRequest(`sysctl "${k}" is not in a separate kernel namespace`);
  }
  return Object.keys(map).length ? map : undefined;
}

function checkedRules(rules: string[] | null): string[] | null {
  for (const r of rules ?? []) parseCgroupRule(r);
  return rules;
}

/**
 * The paths dockerd masks and makes read-only, as it stores them in HostConfig at create (none for
 * --privileged, and what the request gave if it gave any).
 */
function procPaths(given: unknown, defaults: readonly string[], privileged: boolean, what: string): string[] | null {
  if (given !== undefined && given !== null) return strings(given, what);
  return privileged ? null : [...defaults];
}

/** Fields this engine does not implement: refused when set, never ignored (dockerd's words where it has them). */
function refuseUnsupported(h: Record<string, unknown>): void {
  const set = (k: string) => {
    const v = h[k];
    return v !== undefined && v !== null && v !== '' && v !== 0 && !(Array.isArray(v) && v.length === 0);
  };
  if (set('Runtime') && h.Runtime !== 'runc') throw badRequest(`Unknown runtime specified ${String(h.Runtime)}`);
  if (set('Isolation') && h.Isolation !== 'default') throw new ApiError(500, `Invalid isolation: ${JSON.stringify(h.Isolation)} - linux only supports 'default'`);
  if (set('UsernsMode') && h.UsernsMode !== 'host') throw badRequest(`user namespace remapping (UsernsMode ${String(h.UsernsMode)}) is not supported by this engine`);
  if (set('CgroupnsMode') && h.CgroupnsMode !== 'host' && h.CgroupnsMode !== 'private') throw badRequest(`invalid cgroup namespace mode: ${String(h.CgroupnsMode)}`);
  if (set('Cgroup')) throw badRequest(`joining another container's cgroup (Cgroup ${String(h.Cgroup)}) is not supported by this engine`);
  if (set('VolumeDriver') && h.VolumeDriver !== 'local') throw badRequest(`volume driver ${String(h.VolumeDriver)} is not supported (only local)`);
  if (set('DeviceRequests')) throw new ApiError(500, 'could not select device driver "" with capabilities: [[gpu]]');
  for (const k of ['BlkioWeightDevice', 'BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps', 'CpuRealtimePeriod', 'CpuRealtimeRuntime', 'KernelMemory', 'KernelMemoryTCP']) {
    if (set(k)) throw badRequest(`${k} is not supported by this engine`);
  }
  for (const k of ['CpuCount', 'CpuPercent', 'IOMaximumIOps', 'IOMaximumBandwidth']) {
    if (set(k)) throw badRequest(`${k} is a Windows-only setting`);
  }
}

export function validateHostConfig(raw: Record<string, unknown>): HostConfig {
  refuseUnsupported(raw);
  const h = raw as Partial<HostConfig>;
  const rp = (h.RestartPolicy ?? { Name: '', MaximumRetryCount: 0 }) as RestartPolicy;
  if (!RESTART_NAMES.includes(rp.Name ?? '')) throw badRequest(`invalid restart policy '${String(rp.Name)}'`);
  const maxRetry = num(rp.MaximumRetryCount, 'MaximumRetryCount');
  if (maxRetry < 0) throw badRequest('maximum retry count cannot be negative');
  if (maxRetry > 0 && rp.Name !== 'on-failure') throw badRequest(`maximum retry count cannot be used with restart policy '${rp.Name}'`);
  const autoRemove = Boolean(h.AutoRemove);
  if (autoRemove && rp.Name && rp.Name !== 'no') throw badRequest("can't create 'AutoRemove' container with restart policy");
  const memory = num(h.Memory, 'Memory');
  const swap = num(h.MemorySwap, 'MemorySwap');
  if (memory < 0) throw badRequest('invalid memory limit: must not be negative');
  if (memory > 0 && memory < MIN_MEMORY) throw badRequest('Minimum memory limit allowed is 6MB');
  if (swap > 0 && memory === 0) throw badRequest('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (swap > 0 && swap < memory) throw badRequest('Minimum memoryswap limit should be larger than memory limit, see usage');
  const nanoCpus = num(h.NanoCpus, 'NanoCpus');
  const ncpu = os.cpus().length;
  if (nanoCpus < 0 || nanoCpus > ncpu * 1e9) throw badRequest(`Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`);
  if (nanoCpus > 0 && ((h.CpuQuota ?? 0) > 0 || (h.CpuPeriod ?? 0) > 0)) throw badRequest('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  const shares = num(h.CpuShares, 'CpuShares');
  if (shares < 0) throw badRequest('invalid CPU shares: must not be negative');
  const pids = h.PidsLimit === undefined || h.PidsLimit === null ? null : num(h.PidsLimit, 'PidsLimit');
  for (const key of Object.keys(record(h.PortBindings, 'PortBindings'))) {
    if (!PORT_KEY.test(key)) throw badRequest(`invalid port specification: "${key}"`);
  }
  for (const [key, bindings] of Object.entries(h.PortBindings ?? {})) {
    for (const b of bindings ?? []) {
      if (b.HostPort && !/^\d{1,5}(-\d{1,5})?$/.test(b.HostPort)) throw badRequest(`invalid port specification: "${b.HostPort}" (for ${key})`);
    }
  }
  const swappiness = h.MemorySwappiness === undefined || h.MemorySwappiness === null ? null : num(h.MemorySwappiness, 'MemorySwappiness');
  if (swappiness !== null && swappiness !== -1 && (swappiness < 0 || swappiness > 100)) throw badRequest(`Invalid value: ${swappiness}, valid memory swappiness range is 0-100`);
  // dockerd discards a weight the kernel cannot take (with a warning) before it checks the range.
  const blkioWeight = blkioWeightSupported() ? num(h.BlkioWeight, 'BlkioWeight') : 0;
  if (blkioWeight > 0 && (blkioWeight < 10 || blkioWeight > 1000)) throw badRequest('Range of blkio weight is from 10 to 1000');
  if (typeof h.CpusetMems === 'string' && h.CpusetMems && !/^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$/.test(h.CpusetMems)) throw badRequest(`Invalid value ${h.CpusetMems} for cpuset mems`);
  const oomScoreAdj = num(h.OomScoreAdj, 'OomScoreAdj');
  if (oomScoreAdj < -1000 || oomScoreAdj > 1000) throw badRequest(`Invalid value ${oomScoreAdj}, range for oom score adj is [-1000, 1000]`);
  const shm = num(h.ShmSize, 'ShmSize');
  if (shm < 0) throw badRequest('SHM size can not be less than 0');
  const log = h.LogConfig ?? { Type: '', Config: {} };
  if (log.Type && log.Type !== 'json-file') throw badRequest(`logging driver ${log.Type} is not supported (only json-file)`);
  const ulimits = (h.Ulimits ?? []) as HostConfig['Ulimits'];
  return {
    ...(h as Record<string, unknown>),
    Binds: strings(h.Binds, 'Binds'),
    Links: strings(h.Links, 'Links'),
    GroupAdd: strings(h.GroupAdd, 'GroupAdd'),
    Devices: devicesOf(h.Devices),
    DeviceCgroupRules: checkedRules(strings(h.DeviceCgroupRules, 'DeviceCgroupRules')),
    VolumesFrom: strings(h.VolumesFrom, 'VolumesFrom'),
    NetworkMode: h.NetworkMode || 'default',
    RestartPolicy: { Name: rp.Name ?? '', MaximumRetryCount: maxRetry },
    AutoRemove: autoRemove,
    CapAdd: strings(h.CapAdd, 'CapAdd'),
    CapDrop: strings(h.CapDrop, 'CapDrop'),
    Privileged: Boolean(h.Privileged),
    Sysctls: checkedSysctls(h.Sysctls, String(h.NetworkMode || 'default'), h.IpcMode, h.UTSMode),
    MaskedPaths: procPaths(h.MaskedPaths, MASKED_PATHS, Boolean(h.Privileged), 'MaskedPaths'),
    ReadonlyPaths: procPaths(h.ReadonlyPaths, READONLY_PATHS, Boolean(h.Privileged), 'ReadonlyPaths'),
    ReadonlyRootfs: Boolean(h.ReadonlyRootfs),
    ShmSize: shm,
    OomScoreAdj: oomScoreAdj,
    MemorySwappiness: swappiness,
    BlkioWeight: blkioWeight,
    Init: h.Init ?? null,
    LogConfig: { Type: 'json-file', Config: record(log.Config, 'LogConfig.Config') },
    Memory: memory,
    MemorySwap: swap,
    NanoCpus: nanoCpus,
    CpuShares: shares,
    PidsLimit: pids,
    Ulimits: ulimits,
  } as HostConfig;
}

/** Config completed from the image: env, command, user, workdir, labels, volumes, stop signal. */
export function completeConfig(raw: Record<string, unknown>, image: ImageConfig, imageName: string): { config: ContainerConfig; path: string; args: string[] } {
  const ic = image.config ?? {};
  const userEntrypoint = strings(raw.Entrypoint, 'Entrypoint');
  const userCmd = strings(raw.Cmd, 'Cmd');
  // An entrypoint given by the user drops the image's Cmd, as in Docker.
  const entrypoint = userEntrypoint !== null ? (userEntrypoint.length === 1 && userEntrypoint[0] === '' ? [] : userEntrypoint) : (ic.Entrypoint ?? null);
  const cmd = userCmd !== null ? userCmd : userEntrypoint !== null ? null : (ic.Cmd ?? null);
  const full = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (full.length === 0) throw badRequest('No command specified');
  // dockerd's order: the user's variables first, then the image's that they do not override.
  const userEnv = strings(raw.Env, 'Env') ?? [];
  const userKeys = new Set(userEnv.map((e) => e.split('=', 1)[0]));
  const env = [...userEnv, ...(ic.Env ?? []).filter((e) => !userKeys.has(e.split('=', 1)[0]))];
  for (const e of env) if (e === '' || e.startsWith('=')) throw badRequest(`invalid environment variable: ${JSON.stringify(e)}`);
  const stopTimeout = raw.StopTimeout === undefined || raw.StopTimeout === null ? undefined : num(raw.StopTimeout, 'StopTimeout');
  const workdir = typeof raw.WorkingDir === 'string' && raw.WorkingDir ? raw.WorkingDir : (ic.WorkingDir ?? '');
  if (workdir && !workdir.startsWith('/')) throw badRequest(`the working directory '${workdir}' is invalid, it needs to be an absolute path`);
  const config: ContainerConfig = {
    Hostname: typeof raw.Hostname === 'string' ? raw.Hostname : '',
    Domainname: typeof raw.Domainname === 'string' ? raw.Domainname : '',
    User: typeof raw.User === 'string' && raw.User ? raw.User : (ic.User ?? ''),
    AttachStdin: Boolean(raw.AttachStdin),
    AttachStdout: Boolean(raw.AttachStdout),
    AttachStderr: Boolean(raw.AttachStderr),
    ExposedPorts: { ...(ic.ExposedPorts ?? {}), ...record<object>(raw.ExposedPorts, 'ExposedPorts') },
    Tty: Boolean(raw.Tty),
    OpenStdin: Boolean(raw.OpenStdin),
    StdinOnce: Boolean(raw.StdinOnce),
    Env: env,
    Cmd: cmd,
    Image: imageName,
    Volumes: { ...(ic.Volumes ?? {}), ...record<object>(raw.Volumes, 'Volumes') },
    WorkingDir: workdir,
    Entrypoint: entrypoint,
    Labels: { ...(ic.Labels ?? {}), ...record(raw.Labels, 'Labels') },
    StopSignal: typeof raw.StopSignal === 'string' && raw.StopSignal ? raw.StopSignal : (ic.StopSignal ?? 'SIGTERM'),
    ...(stopTimeout !== undefined ? { StopTimeout: stopTimeout } : {}),
  };
  const health = mergeHealthcheck(validateHealthcheck(raw.Healthcheck), ic.Healthcheck as HealthConfig | undefined);
  if (health) config.Healthcheck = health;
  return { config, path: full[0]!, args: full.slice(1) };
}
