// containerd's default Linux spec (oci.populateDefaultUnixSpec, what `ctr oci spec` prints): Docker's
// default capabilities, the usual /proc /dev /sys mounts, masked and read-only /proc paths, and the
// cgroup /<namespace>/<id>.
import type { OciSpec } from './spec.js';

export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** oci.WithDefaultUnixDevices, which ctr adds: the devices every container may use (pts: any minor; containerd 1.6 leaves /dev/net/tun out). */
const DEFAULT_DEVICE_RULES: { type: string; major: number; minor?: number }[] = [
  { type: 'c', major: 1, minor: 3 }, // /dev/null
  { type: 'c', major: 1, minor: 8 }, // /dev/random
  { type: 'c', major: 1, minor: 7 }, // /dev/full
  { type: 'c', major: 5, minor: 0 }, // /dev/tty
  { type: 'c', major: 1, minor: 5 }, // /dev/zero
  { type: 'c', major: 1, minor: 9 }, // /dev/urandom
  { type: 'c', major: 5, minor: 1 }, // /dev/console
  { type: 'c', major: 136 }, // /dev/pts/*
  { type: 'c', major: 5, minor: 2 }, // /dev/ptmx
];

export function defaultSpec(namespace: string, id: string): OciSpec {
  return {
    ociVersion: '1.0.2-dev',
    process: {
      user: { uid: 0, gid: 0 },
      args: [],
      env: [],
      cwd: '/',
      capabilities: { bounding: [...DEFAULT_CAPABILITIES], effective: [...DEFAULT_CAPABILITIES], permitted: [...DEFAULT_CAPABILITIES] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs' },
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }, ...DEFAULT_DEVICE_RULES.map((d) => ({ allow: true, ...d, access: 'rwm' }))] },
      cgroupsPath: `/${namespace}/${id}`,
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }],
      maskedPaths: [
        '/proc/acpi',
        '/proc/asound',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/sys/firmware',
        '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

/**
 * containerd's oci.GenerateSpec with no options (`ctr oci spec`): the same defaults without the
 * device allowances ctr adds for `run`, no process args or env, and the namespace's cgroup.
 */
export function generatedSpec(namespace: string): OciSpec {
  const spec = defaultSpec(namespace, '');
  const { args: _args, env: _env, ...process } = spec.process;
  return { ...spec, process: process as OciSpec['process'], linux: { ...spec.linux, resources: { devices: [{ allow: false, access: 'rwm' }] }, cgroupsPath: `/${namespace}` } };
}
