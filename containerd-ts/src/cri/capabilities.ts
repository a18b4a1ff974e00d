// Capabilities of a CRI container: the runtime default set with the request's drops and adds ("ALL"
// in either, any case, with or without CAP_), as containerd's CRI tweaks them. Adds win over drops;
// an unknown name is refused; ALL means every capability the daemon holds.
import * as fs from 'node:fs';
import { invalidArgument } from '../core/errdefs.js';

/** Linux capabilities by number (include/uapi/linux/capability.h). */
const ALL_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/**
 * The capabilities this daemon holds (its effective set, as containerd's cap.Current()): what ALL
 * and privileged grant; a container cannot be given more than its runtime has.
 */
export function hostCapabilities(status = '/proc/self/status'): string[] {
  let mask: bigint;
  try {
    mask = BigInt(`0x${/^CapEff:\s*([0-9a-f]+)$/m.exec(fs.readFileSync(status, 'utf8'))?.[1] ?? '0'}`);
  } catch {
    return [...ALL_CAPS];
  }
  return ALL_CAPS.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

function normalize(name: string): string {
  const up = name.toUpperCase();
  return up.startsWith('CAP_') ? up : `CAP_${up}`;
}

export function tweakCapabilities(basics: readonly string[], adds: readonly string[], drops: readonly string[]): string[] {
  const all = hostCapabilities();
  const add = adds.map(normalize);
  const drop = drops.map(normalize);
  const check = (list: string[], what: string) => {
    for (const c of list) if (c !== 'CAP_ALL' && !ALL_CAPS.includes(c)) throw invalidArgument(`CreateContainer: unknown capability to ${what}: ${JSON.stringify(c)}`);
  };
  check(add, 'add');
  check(drop, 'drop');
  let set = new Set(basics);
  if (add.includes('CAP_ALL')) set = new Set(all);
  if (drop.includes('CAP_ALL')) set = new Set();
  for (const c of drop) set.delete(c);
  for (const c of add) if (c !== 'CAP_ALL') set.add(c);
  return all.filter((c) => set.has(c)).concat([...set].filter((c) => !all.includes(c)));
}
