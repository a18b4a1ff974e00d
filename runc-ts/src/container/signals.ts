import { SIGNALS, SIGRTMAX, SIGRTMIN } from '../syscalls/constants.js';

/** Parses a signal as runc accepts it: "KILL", "SIGKILL", "kill", "9", "RTMIN+3", and 0 (only checks). */
export function parseSignal(value: string): number {
  const v = value.trim();
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n >= 0 && n <= SIGRTMAX) return n;
    throw new Error(`invalid signal number ${v}`);
  }
  const name = v.toUpperCase().replace(/^SIG/, '');
  const n = SIGNALS[name];
  if (n !== undefined) return n;
  const rt = /^RTMIN(?:\+(\d+))?$/.exec(name) ?? /^RTMAX-(\d+)$/.exec(name);
  if (rt) {
    const off = Number(rt[1] ?? 0);
    const sig = name.startsWith('RTMIN') ? SIGRTMIN + off : SIGRTMAX - off;
    if (sig >= SIGRTMIN && sig <= SIGRTMAX) return sig;
  }
  throw new Error(`unknown signal ${JSON.stringify(value)}`);
}

export function signalName(n: number): string {
  for (const [name, num] of Object.entries(SIGNALS)) if (num === n) return `SIG${name}`;
  return `signal ${n}`;
}
