// Capability sets: Docker's defaults, adjusted by --cap-add/--cap-drop (names with or without CAP_,
// "ALL"), everything for --privileged.
import * as fs from 'node:fs';
import { badRequest } from '../daemon/http/api-error.js';

export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

export const ALL_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/**
 * The capabilities this host can grant: ALL_CAPABILITIES is in kernel numbering order, and the
 * engine's own bounding set (a sandboxed host may lack some) caps what any container can hold.
 */
export function hostCapabilities(status = readStatus()): string[] {
  const m = /^CapBnd:\s+([0-9a-f]+)$/m.exec(status);
  if (!m) return [...ALL_CAPABILITIES];
  const mask = BigInt(`0x${m[1]!}`);
  return ALL_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

function readStatus(): string {
  try {
    return fs.readFileSync('/proc/self/status', 'utf8');
  } catch {
    return '';
  }
}

let hostCaps: string[] | undefined;

export function normalizeCap(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!ALL_CAPABILITIES.includes(full)) throw badRequest(`invalid CapAdd: unknown capability: "${name}"`);
  return full;
}

export function capabilitySet(opts: { privileged: boolean; add: readonly string[]; drop: readonly string[] }): string[] {
  hostCaps ??= hostCapabilities();
  const all = hostCaps;
  if (opts.privileged) return [...all];
  const add = opts.add.map(normalizeCap);
  const drop = opts.drop.map(normalizeCap);
  let caps = add.includes('ALL') ? [...all] : [...DEFAULT_CAPABILITIES];
  if (drop.includes('ALL')) caps = [];
  caps = caps.filter((c) => !drop.includes(c));
  for (const c of add) if (c !== 'ALL' && !caps.includes(c)) caps.push(c);
  return caps;
}
