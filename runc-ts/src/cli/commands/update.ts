import * as fs from 'node:fs';
import { updateContainer, type ResourcesUpdate } from '../../container/update.js';
import { convertResourcesUpdate } from '../../spec/convert.js';
import { type Command, oneId, type Parsed, str, UsageError } from '../command.js';

/** Byte sizes as runc accepts them: 1024, 64k, 100m, 1g (binary units), -1 for unlimited. */
export function parseBytes(v: string, flag: string): number {
  const m = /^(-1|\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i.exec(v.trim());
  if (!m) throw new UsageError(`invalid value ${JSON.stringify(v)} for --${flag}: expected bytes such as 512m`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return m[1] === '-1' ? -1 : Math.floor(Number(m[1]) * mult);
}

function num(values: Parsed['values'], flag: string): number | undefined {
  const v = str(values[flag]);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new UsageError(`invalid value ${JSON.stringify(v)} for --${flag}: not an integer`);
  return Number(v);
}

function fromFlags(values: Parsed['values']): ResourcesUpdate {
  const u: ResourcesUpdate = {};
  const bytes = (flag: string) => {
    const v = str(values[flag]);
    return v === undefined ? undefined : parseBytes(v, flag);
  };
  const memory = { limit: bytes('memory'), reservation: bytes('memory-reservation'), swap: bytes('memory-swap') };
  const cpu = {
    shares: num(values, 'cpu-share'),
    quota: num(values, 'cpu-quota'),
    period: num(values, 'cpu-period'),
    realtimeRuntime: num(values, 'cpu-rt-runtime'),
    realtimePeriod: num(values, 'cpu-rt-period'),
    cpus: str(values['cpuset-cpus']),
    mems: str(values['cpuset-mems']),
  };
  // Only the flags given: an absent flag leaves that limit as it is.
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
  if (Object.values(memory).some((v) => v !== undefined)) u.memory = defined(memory);
  if (Object.values(cpu).some((v) => v !== undefined)) u.cpu = defined(cpu);
  const pids = num(values, 'pids-limit');
  if (pids !== undefined) u.pids = { limit: pids };
  const weight = num(values, 'blkio-weight');
  if (weight !== undefined) u.blockIO = { weight };
  return u;
}

export const command: Command = {
  name: 'update',
  summary: 'update container resource constraints',
  usage: '[command options] <container-id>',
  options: {
    resources: { type: 'string', short: 'r' },
    memory: { type: 'string' },
    'memory-reservation': { type: 'string' },
    'memory-swap': { type: 'string' },
    'kernel-memory': { type: 'string' },
    'kernel-memory-tcp': { type: 'string' },
    'cpu-share': { type: 'string' },
    'cpu-quota': { type: 'string' },
    'cpu-period': { type: 'string' },
    'cpu-rt-runtime': { type: 'string' },
    'cpu-rt-period': { type: 'string' },
    'cpuset-cpus': { type: 'string' },
    'cpuset-mems': { type: 'string' },
    'pids-limit': { type: 'string' },
    'blkio-weight': { type: 'string' },
  },
  help: {
    resources: 'path to a file with the linux.resources JSON to apply, "-" for stdin',
    memory: 'memory limit (in bytes, or with a k/m/g suffix)',
    'memory-reservation': 'memory reservation or soft limit',
    'memory-swap': 'total memory usage (memory + swap); -1 for unlimited',
    'kernel-memory': 'accepted and ignored (kernel memory limits are deprecated)',
    'kernel-memory-tcp': 'accepted and ignored',
    'cpu-share': 'CPU shares (relative weight vs. other containers)',
    'cpu-quota': 'CPU CFS hardcap limit (in usecs); allowed cpu time in a given period',
    'cpu-period': 'CPU CFS period to be used for hardcapping (in usecs)',
    'cpu-rt-runtime': 'CPU realtime runtime (in usecs)',
    'cpu-rt-period': 'CPU realtime period (in usecs)',
    'cpuset-cpus': 'CPU(s) to use',
    'cpuset-mems': 'memory node(s) to use',
    'pids-limit': 'maximum number of pids allowed in the container',
    'blkio-weight': 'block IO weight (relative weight), 10 to 1000',
  },
  run({ values, positionals }, rt) {
    const id = oneId('update', positionals);
    const file = str(values.resources);
    let update: ResourcesUpdate;
    if (file !== undefined) {
      const text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (err) {
        throw new Error(`invalid resources JSON${file === '-' ? ' on stdin' : ` in ${file}`}: ${(err as Error).message}`);
      }
      update = convertResourcesUpdate(raw);
    } else update = fromFlags(values);
    updateContainer(rt, id, update);
    return 0;
  },
};
