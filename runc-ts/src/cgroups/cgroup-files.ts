// Reads and writes cgroup control files with errors that say which file and value failed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CgroupError } from './cgroup-error.js';

export function writeCgroupFile(dir: string, file: string, value: string | number): void {
  const p = path.join(dir, file);
  try {
    fs.writeFileSync(p, String(value));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new CgroupError(`cgroup file ${p} does not exist: the kernel does not support this setting`);
    throw new CgroupError(`cannot set ${p} to ${JSON.stringify(String(value))}: ${e.code ?? e.message}`);
  }
}

export function readCgroupFile(dir: string, file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf8').trim();
}

export function tryReadCgroupFile(dir: string, file: string): string | undefined {
  try {
    return readCgroupFile(dir, file);
  } catch {
    return undefined;
  }
}

/** Parses "key value" lines (memory.stat, cpu.stat) into numbers. */
export function readKeyValues(dir: string, file: string): Record<string, number> {
  const out: Record<string, number> = {};
  const text = tryReadCgroupFile(dir, file);
  if (!text) return out;
  for (const line of text.split('\n')) {
    const [k, v] = line.split(/\s+/);
    if (k && v !== undefined) out[k] = Number(v);
  }
  return out;
}

/** Removes a cgroup directory, retrying while the kernel still counts exiting tasks in it. */
export function removeCgroupDir(dir: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || attempt >= 50) throw new CgroupError(`cannot remove cgroup ${dir}: ${code}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

export function listPids(dir: string): number[] {
  const text = tryReadCgroupFile(dir, 'cgroup.procs');
  if (!text) return [];
  return text.split('\n').filter(Boolean).map(Number);
}
