// Facts about a process from /proc, used to tell a live init from an exited or reused pid.
import * as fs from 'node:fs';

export interface ProcStat {
  state: string;
  ppid: number;
  startTime: string;
}

/** Fields of /proc/<pid>/stat after the command name (which may itself hold spaces and parens). */
export function parseProcStat(text: string): ProcStat {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0] ?? '', ppid: Number(rest[1]), startTime: rest[19] ?? '' };
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when `pid` runs and is the same process that started at `startTime` (not a zombie). */
export function isAlive(pid: number, startTime?: string): boolean {
  if (pid <= 0) return false;
  const st = readProcStat(pid);
  if (!st || st.state === 'Z' || st.state === 'X') return false;
  return startTime === undefined || st.startTime === startTime;
}

/** Polls until the predicate holds or the timeout passes; returns whether it held. Synchronous on purpose (short waits). */
export function waitUntil(predicate: () => boolean, timeoutMs: number, stepMs = 5): boolean {
  const end = Date.now() + timeoutMs;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    if (predicate()) return true;
    if (Date.now() >= end) return false;
    Atomics.wait(cell, 0, 0, stepMs);
  }
}
