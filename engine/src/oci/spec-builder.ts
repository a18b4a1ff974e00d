// Docker's container config and host config → the OCI runtime spec, with dockerd's defaults: default
// capabilities and seccomp profile, masked and read-only /proc paths, /dev/shm of 64m, the container's
// own /etc/hosts, /etc/hostname and /etc/resolv.conf, its cgroup under the engine's parent.
import { consoleSizeOf } from './console-size.js';
import type { ContainerRecord, MountPoint } from '../daemon/state/container-record.js';
import { capabilitySet } from './capabilities.js';
import { INIT_TARGET } from './init-binary.js';
import type { OciMount, OciResources, OciSpec } from './runtime-spec.js';
import { resolveDefaultSeccomp } from '@stack/containerd-ts/seccomp';
import type { NamespacePlan } from '../daemon/containers/namespace-modes.js';
import type { DeviceRule, OciDevice } from './devices.js';
import { rlimitOf } from './ulimits.js';
import type { ResolvedUser } from './user.js';

export const MASKED_PATHS = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'];
export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Devices every container may use (Docker's default allow list). */
const DEFAULT_DEVICES: NonNullable<OciResources['devices']> = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', major: -1, minor: -1, access: 'm' },
  { allow: true, type: 'b', major: -1, minor: -1, access: 'm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' },
  { allow: true, type: 'c', major: 136, minor: -1, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' },
  { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' },
];

export interface SpecInput {
  container: ContainerRecord;
  user: ResolvedUser;
  /** Host mounts resolved to host paths (volumes, binds, tmpfs). */
  mounts: readonly MountPoint[];
  /** The network namespace to join; undefined: a new one (none), null: the host's. */
  netns: string | null | undefined;
  cgroupParent: string;
  arch: string;
  /** Host path of the static init, when --init. */
  initPath?: string;
  defaultUlimits: ContainerRecord['HostConfig']['Ulimits'];
  cgroupV2: boolean;
  /** IPC, PID and UTS namespaces and /dev/shm (--ipc, --pid, --uts); absent: private ones. */
  namespaces?: NamespacePlan;
  /** Variables of legacy links (NAME_PORT_…); the container's own variables win. */
  linkEnv?: readonly string[];
  /** Device nodes to create and the cgroup rules for them (--device, --device-cgroup-rule, --privileged). */
  devices?: { devices: OciDevice[]; rules: DeviceRule[] };
}

/**
 * Docker's default sysctls for a network namespace of the container's own (ping sockets and low
 * ports without privileges); the user's --sysctl wins. --domainname is set as dockerd sets it.
 */
function sysctls(c: ContainerRecord, ownNetns: boolean, ownUts: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  if (ownNetns) {
    out['net.ipv4.ip_unprivileged_port_start'] = '0';
    out['net.ipv4.ping_group_range'] = '0 2147483647';
  }
  if (c.Config.Domainname && ownUts) out['kernel.domainname'] = c.Config.Domainname;
  return { ...out, ...(c.HostConfig.Sysctls ?? {}) };
}

/** HostConfig's MaskedPaths/ReadonlyPaths (stored at create); records from before that get dockerd's defaults. */
function procPaths(h: ContainerRecord['HostConfig'], privileged: boolean): { maskedPaths?: string[]; readonlyPaths?: string[] } {
  const masked = h.MaskedPaths === undefined ? (privileged ? null : MASKED_PATHS) : h.MaskedPaths;
  const readonly = h.ReadonlyPaths === undefined ? (privileged ? null : READONLY_PATHS) : h.ReadonlyPaths;
  return { ...(masked?.length ? { maskedPaths: [...masked] } : {}), ...(readonly?.length ? { readonlyPaths: [...readonly] } : {}) };
}

function hasMount(mounts: readonly { Destination: string }[], dest: string): boolean {
  return mounts.some((m) => m.Destination === dest);
}

function envWithDefaults(env: readonly string[], extra: Record<string, string>): string[] {
  const out = [...env];
  for (const [k, v] of Object.entries(extra)) if (!out.some((e) => e.startsWith(`${k}=`))) out.push(`${k}=${v}`);
  return out;
}

function resources(c: ContainerRecord, privileged: boolean, extra: readonly DeviceRule[]): OciResources {
  const h = c.HostConfig;
  const r: OciResources = { devices: privileged ? [{ allow: true, access: 'rwm' }] : [...DEFAULT_DEVICES, ...extra] };
  const swappiness = h.MemorySwappiness ?? -1;
  if (h.Memory > 0 || (h.MemoryReservation ?? 0) > 0 || h.OomKillDisable || swappiness >= 0) {
    r.memory = {};
    if (h.Memory > 0) {
      r.memory.limit = h.Memory;
      // Docker: swap defaults to twice the memory limit; -1 is unlimited.
      // (Twice a limit near int64's maximum does not fit: unlimited then, as dockerd's overflow ends up.)
      r.memory.swap = h.MemorySwap === 0 ? (h.Memory * 2 >= 2 ** 63 ? -1 : h.Memory * 2) : h.MemorySwap;
    }
    if ((h.MemoryReservation ?? 0) > 0) r.memory.reservation = h.MemoryReservation!;
    if (h.OomKillDisable) r.memory.disableOOMKiller = true;
    if (swappiness >= 0) r.memory.swappiness = swappiness;
  }
  const cpu: NonNullable<OciResources['cpu']> = {};
  if (h.CpuShares > 0) cpu.shares = h.CpuShares;
  if (h.NanoCpus > 0) {
    cpu.period = 100_000;
    cpu.quota = Math.round((h.NanoCpus * 100_000) / 1e9);
  } else if ((h.CpuQuota ?? 0) > 0) {
    cpu.quota = h.CpuQuota!;
    cpu.period = h.CpuPeriod || 100_000;
  }
  if (h.CpusetCpus) cpu.cpus = h.CpusetCpus;
  if (h.CpusetMems) cpu.mems = h.CpusetMems;
  if (Object.keys(cpu).length) r.cpu = cpu;
  if (h.PidsLimit !== undefined && h.PidsLimit !== null && h.PidsLimit !== 0) r.pids = { limit: h.PidsLimit };
  if ((h.BlkioWeight ?? 0) > 0) r.blockIO = { weight: h.BlkioWeight! };
  return r;
}

function userMounts(mounts: readonly MountPoint[]): OciMount[] {
  return [...mounts]
    .sort((a, b) => a.Destination.split('/').length - b.Destination.split('/').length)
    .map((m): OciMount => {
      if (m.Type === 'tmpfs') {
        const opts = ['nosuid', 'nodev', 'noexec'];
        if (m.TmpfsOptions?.SizeBytes) opts.push(`size=${m.TmpfsOptions.SizeBytes}`);
        if (m.TmpfsOptions?.Mode) opts.push(`mode=${m.TmpfsOptions.Mode.toString(8)}`);
        if (!m.RW) opts.push('ro');
        return { destination: m.Destination, type: 'tmpfs', source: 'tmpfs', options: opts };
      }
      const opts = [m.NonRecursive ? 'bind' : 'rbind', m.RW ? 'rw' : 'ro', m.Propagation || 'rprivate'];
      return { destination: m.Destination, type: 'bind', source: m.Source, options: opts };
    });
}

export function buildSpec(input: SpecInput): OciSpec {
  const c = input.container;
  const h = c.HostConfig;
  const privileged = h.Privileged;
  const caps = capabilitySet({ privileged, add: h.CapAdd ?? [], drop: h.CapDrop ?? [] });
  const args = [c.Path, ...c.Args];
  const withInit = h.Init === true;
  const processArgs = withInit ? [INIT_TARGET, '--', ...args] : args;
  const env = envWithDefaults(c.Config.Env, {
    PATH: DEFAULT_PATH,
    HOSTNAME: c.Config.Hostname,
    ...(c.Config.Tty ? { TERM: 'xterm' } : {}),
    HOME: input.user.home || '/',
  });
  for (const e of input.linkEnv ?? []) {
    const key = e.slice(0, e.indexOf('=') + 1);
    if (!env.some((x) => x.startsWith(key))) env.push(e);
  }
  const ulimits = [...(input.defaultUlimits ?? [])].filter((d) => !(h.Ulimits ?? []).some((u) => u.Name === d.Name)).concat(h.Ulimits ?? []);
  const all = input.mounts;
  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', privileged ? 'rw' : 'ro'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  ];
  const ns: NamespacePlan = input.namespaces ?? { ipc: undefined, pid: undefined, uts: undefined, shm: { kind: 'own' } };
  if (!hasMount(all, '/dev/shm') && ns.shm.kind === 'own') {
    mounts.push({ destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${h.ShmSize > 0 ? h.ShmSize : DEFAULT_SHM_SIZE}`] });
  }
  if (!hasMount(all, '/dev/shm') && ns.shm.kind === 'bind') mounts.push({ destination: '/dev/shm', type: 'bind', source: ns.shm.source, options: ['rbind', 'rprivate'] });
  for (const [dest, src] of [
    ['/etc/resolv.conf', c.ResolvConfPath],
    ['/etc/hostname', c.HostnamePath],
    ['/etc/hosts', c.HostsPath],
  ] as const) {
    if (src && !hasMount(all, dest)) mounts.push({ destination: dest, type: 'bind', source: src, options: ['rbind', 'rprivate', h.ReadonlyRootfs ? 'ro' : 'rw'] });
  }
  mounts.push(...userMounts(all));
  if (withInit && input.initPath) mounts.push({ destination: INIT_TARGET, type: 'bind', source: input.initPath, options: ['bind', 'ro'] });
  const namespaces: Array<{ type: string; path?: string }> = [{ type: 'mount' }];
  for (const [type, want] of [
    ['pid', ns.pid],
    ['ipc', ns.ipc],
    ['uts', ns.uts],
  ] as const) {
    // null: the host's namespace (none in the spec); a path: join it.
    if (want !== null) namespaces.push(want ? { type, path: want } : { type });
  }
  if (input.netns !== null) namespaces.push(input.netns ? { type: 'network', path: input.netns } : { type: 'network' });
  // Docker's default cgroup namespace mode: private on cgroup v2, the host's on v1; --cgroupns picks.
  if (h.CgroupnsMode === 'private' || (input.cgroupV2 && h.CgroupnsMode !== 'host')) namespaces.push({ type: 'cgroup' });
  const parent = (h.CgroupParent || input.cgroupParent).replace(/\/+$/, '');
  const sysctl = sysctls(c, input.netns !== null && !h.NetworkMode.startsWith('container:'), ns.uts !== null);
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: c.Config.Tty,
      ...(c.Config.Tty && consoleSizeOf(h.ConsoleSize) ? { consoleSize: consoleSizeOf(h.ConsoleSize)! } : {}),
      user: { uid: input.user.uid, gid: input.user.gid, ...(input.user.additionalGids.length ? { additionalGids: input.user.additionalGids } : {}) },
      args: processArgs,
      env,
      cwd: c.Config.WorkingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      ...(ulimits.length ? { rlimits: ulimits.map(rlimitOf) } : {}),
      noNewPrivileges: (h.SecurityOpt ?? []).some((o) => o === 'no-new-privileges' || o === 'no-new-privileges:true'),
      oomScoreAdj: h.OomScoreAdj ?? 0,
    },
    root: { path: 'rootfs', readonly: h.ReadonlyRootfs },
    // A container in the host's UTS namespace keeps the host's name, as dockerd leaves it.
    ...(ns.uts === null ? {} : { hostname: c.Config.Hostname }),
    mounts,
    linux: {
      namespaces,
      ...(input.devices?.devices.length ? { devices: input.devices.devices } : {}),
      resources: resources(c, privileged, input.devices?.rules ?? []),
      cgroupsPath: `${parent.startsWith('/') ? parent : `/${parent}`}/${c.ID}`,
      ...procPaths(h, privileged),
      ...(privileged || (h.SecurityOpt ?? []).includes('seccomp=unconfined') || (h.SecurityOpt ?? []).includes('seccomp:unconfined') ? {} : { seccomp: resolveDefaultSeccomp(caps, input.arch) }),
      ...(Object.keys(sysctl).length ? { sysctl } : {}),
    },
  };
}
