// A network namespace's interface counters, from /proc/<pid>/net/dev of a process in it (the kernel
// shows the reader the namespace of that process, so no setns is needed).
import * as fs from 'node:fs';

export interface InterfaceCounters {
  name: string;
  rxBytes: bigint;
  rxErrors: bigint;
  txBytes: bigint;
  txErrors: bigint;
}

/** Parses net/dev: two header lines, then `name: rx bytes packets errs drop fifo frame compressed multicast tx bytes packets errs …`. */
export function parseNetDev(text: string): InterfaceCounters[] {
  const out: InterfaceCounters[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const f = line.slice(colon + 1).trim().split(/\s+/);
    if (f.length < 16) continue;
    const n = (i: number) => BigInt(f[i] ?? '0');
    out.push({ name: line.slice(0, colon).trim(), rxBytes: n(0), rxErrors: n(2), txBytes: n(8), txErrors: n(10) });
  }
  return out;
}

export function netDevOf(pid: number): InterfaceCounters[] {
  return parseNetDev(fs.readFileSync(`/proc/${pid}/net/dev`, 'utf8'));
}
