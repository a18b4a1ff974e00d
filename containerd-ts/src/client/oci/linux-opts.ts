// ctr run's Linux options that change the spec beyond the process: capabilities (--cap-add/--cap-drop,
// --privileged), devices (--device, --privileged), host networking (--net-host), a read-only rootfs
// and no_new_privs. Each mirrors the containerd oci.With… option ctr uses.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OciDevice, OciSpec } from './spec.js';

/** The capabilities in kernel bit order (capability.h), up to CAP_CHECKPOINT_RESTORE (40). */
const CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** ctr takes capability names only with the CAP_ prefix; unknown names are refused here. */
export function checkCapability(name: string): string {
  if (!name.startsWith('CAP_')) throw new Error(`invalid capability ${JSON.stringify(name)}: capabilities must be specified with 'CAP_' prefix`);
  if (!CAPABILITIES.includes(name)) throw new Error(`invalid capability ${JSON.stringify(name)}: unknown capability`);
  return name;
}

/** The bounding set of this process (oci.WithAllCurrentCapabilities): what a privileged container gets. */
export function currentCapabilities(status = fs.readFileSync('/proc/self/status', 'utf8')): string[] {
  const m = /^CapBnd:\s+([0-9a-f]+)$/m.exec(status);
  if (!m) return [...CAPABILITIES];
  const mask = BigInt(`0x${m[1]!}`);
  return CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

const SETS = ['bounding', 'effective', 'permitted'] as const;

/** oci.WithAddedCapabilities. */
export function withAddedCapabilities(spec: OciSpec, caps: readonly string[]): void {
  const c = (spec.process.capabilities ??= {});
  for (const set of SETS) c[set] = [...new Set([...(c[set] ?? []), ...caps])];
}

/** oci.WithDroppedCapabilities (inheritable too). */
export function withDroppedCapabilities(spec: OciSpec, caps: readonly string[]): void {
  const c = (spec.process.capabilities ??= {});
  for (const set of [...SETS, 'inheritable'] as const) if (c[set]) c[set] = c[set].filter((x) => !caps.includes(x));
}

/**
 * ctr --privileged: oci.WithPrivileged (every current capability, no masked or read-only paths,
 * a writable /sys), WithAllDevicesAllowed and WithHostDevices.
 */
export function withPrivileged(spec: OciSpec, devRoot = '/dev'): void {
  const caps = currentCapabilities();
  spec.process.capabilities = { ...spec.process.capabilities, bounding: [...caps], effective: [...caps], permitted: [...caps] };
  // Absent, not empty, as containerd's Go spec serializes nil lists.
  delete (spec.linux as Partial<OciSpec['linux']>).maskedPaths;
  delete (spec.linux as Partial<OciSpec['linux']>).readonlyPaths;
  // WithWriteableSysfs: ro becomes rw.
  for (const m of spec.mounts) if (m.destination === '/sys' && m.options) m.options = m.options.map((o) => (o === 'ro' ? 'rw' : o));
  spec.linux.resources.devices = [{ allow: true, access: 'rwm' }];
  spec.linux.devices = hostDevices(devRoot);
}

// What oci.HostDevices leaves out when it walks /dev.
const SKIPPED_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** The device nodes under `dir` (recursively, as oci.HostDevices), console excluded. */
export function hostDevices(dir = '/dev'): OciDevice[] {
  const out: OciDevice[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) walk(p);
        continue;
      }
      if (p === '/dev/console') continue;
      const dev = deviceOf(p);
      if (dev) out.push(dev);
    }
  };
  walk(dir);
  return out;
}

/** A device node's spec entry, or undefined for anything else (symlinks are not followed). */
export function deviceOf(p: string): OciDevice | undefined {
  const st = fs.lstatSync(p, { bigint: false });
  const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : st.isFIFO() ? 'p' : undefined;
  if (!type) return undefined;
  // Linux's dev_t: major in bits 8–19 (and 32+), minor in bits 0–7 and 20–31.
  const rdev = BigInt(st.rdev);
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return { path: p, type, major: type === 'p' ? 0 : major, minor: type === 'p' ? 0 : minor, fileMode: st.mode & 0o777, uid: st.uid, gid: st.gid };
}

/** ctr --device PATH: one device node, or every one under a directory, allowed rwm. */
export function withDevices(spec: OciSpec, hostPath: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(hostPath);
  } catch (err) {
    throw new Error(`--device ${hostPath}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  const devices = st.isDirectory() ? hostDevices(hostPath) : [deviceOf(fs.realpathSync(hostPath))].filter((d): d is OciDevice => d !== undefined).map((d) => ({ ...d, path: hostPath }));
  if (devices.length === 0) throw new Error(`--device ${hostPath}: not a device node`);
  spec.linux.devices = [...(spec.linux.devices ?? []), ...devices];
  for (const d of devices) if (d.type !== 'p') spec.linux.resources.devices = [...(spec.linux.resources.devices ?? []), { allow: true, type: d.type, major: d.major, minor: d.minor, access: 'rwm' }];
}

/**
 * ctr --net-host: the host's network namespace, with its /etc/hosts and /etc/resolv.conf bound in
 * read-only, and HOSTNAME set to the host's name in the environment.
 */
export function withHostNetwork(spec: OciSpec, hostname = os.hostname()): void {
  spec.linux.namespaces = spec.linux.namespaces.filter((n) => n.type !== 'network');
  for (const f of ['/etc/hosts', '/etc/resolv.conf']) spec.mounts.push({ destination: f, type: 'bind', source: f, options: ['rbind', 'ro'] });
  spec.process.env = [...spec.process.env.filter((e) => !e.startsWith('HOSTNAME=')), `HOSTNAME=${hostname}`];
}

const NAMESPACE_TYPES = ['pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup'];

/** ctr --with-ns TYPE:PATH (oci.WithLinuxNamespace): join an existing namespace instead of a new one. */
export function parseWithNs(v: string): { type: string; path: string } {
  const i = v.indexOf(':');
  const type = i < 0 ? v : v.slice(0, i);
  const p = i < 0 ? '' : v.slice(i + 1);
  if (!NAMESPACE_TYPES.includes(type)) throw new Error(`invalid --with-ns ${JSON.stringify(v)}: unknown namespace type ${JSON.stringify(type)} (want ${NAMESPACE_TYPES.join(', ')})`);
  if (!p.startsWith('/')) throw new Error(`invalid --with-ns ${JSON.stringify(v)}: want TYPE:/absolute/path`);
  return { type, path: p };
}

export function withLinuxNamespace(spec: OciSpec, ns: { type: string; path: string }): void {
  const i = spec.linux.namespaces.findIndex((n) => n.type === ns.type);
  if (i >= 0) spec.linux.namespaces[i] = ns;
  else spec.linux.namespaces.push(ns);
}
