// --ulimit names as Docker takes them, and their OCI rlimit types.
import { badRequest } from '../daemon/http/api-error.js';
import type { Ulimit } from '../daemon/state/container-record.js';

const NAMES = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack', 'as'];

export function isUlimitName(name: string): boolean {
  return NAMES.includes(name);
}

export function rlimitOf(u: Ulimit): { type: string; soft: number; hard: number } {
  if (!NAMES.includes(u.Name)) throw badRequest(`invalid ulimit type: ${u.Name}`);
  if (u.Soft > u.Hard && u.Hard !== -1) throw badRequest(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
  const v = (n: number) => (n < 0 ? 2 ** 64 - 1 : n);
  return { type: `RLIMIT_${u.Name.toUpperCase()}`, soft: v(u.Soft), hard: v(u.Hard) };
}

/** `nofile=1024:2048` or `nproc=512`. */
export function parseUlimit(s: string): Ulimit {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(s);
  if (!m || !NAMES.includes(m[1]!)) throw badRequest(`invalid ulimit argument: ${s}`);
  const soft = Number(m[2]);
  const hard = m[3] === undefined ? soft : Number(m[3]);
  if (soft > hard && hard !== -1) throw badRequest(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  return { Name: m[1]!, Soft: soft, Hard: hard };
}
