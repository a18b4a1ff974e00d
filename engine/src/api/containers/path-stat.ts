// The X-Docker-Container-Path-Stat header: base64 of {name,size,mode,mtime,linkTarget} with the mode
// in Go's os.FileMode encoding (type bits high, not the st_mode ones) and mtime as Go prints RFC 3339.
import type * as fs from 'node:fs';

const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
const GO_DEVICE = 2 ** 26;
const GO_PIPE = 2 ** 25;
const GO_SOCKET = 2 ** 24;
const GO_SETUID = 2 ** 23;
const GO_SETGID = 2 ** 22;
const GO_CHARDEV = 2 ** 21;
const GO_STICKY = 2 ** 20;

const S_IFMT = 0o170000;
const GO_TYPE: Record<number, number> = {
  0o040000: GO_DIR,
  0o120000: GO_SYMLINK,
  0o010000: GO_PIPE,
  0o140000: GO_SOCKET,
  0o020000: GO_DEVICE + GO_CHARDEV,
  0o060000: GO_DEVICE,
};

/** st_mode → os.FileMode. */
export function goFileMode(stMode: number): number {
  let m = (stMode & 0o777) + (GO_TYPE[stMode & S_IFMT] ?? 0);
  if (stMode & 0o4000) m += GO_SETUID;
  if (stMode & 0o2000) m += GO_SETGID;
  if (stMode & 0o1000) m += GO_STICKY;
  return m;
}

/** Go's RFC3339Nano in UTC: fractional seconds without trailing zeros, none at all when zero. */
export function goTime(sec: bigint, nsec: bigint): string {
  const base = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
  const frac = nsec === 0n ? '' : `.${nsec.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${base}${frac}Z`;
}

export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export function pathStat(name: string, st: fs.BigIntStats, linkTarget: string): PathStat {
  const mode = goFileMode(Number(st.mode));
  const sec = st.mtimeNs / 1_000_000_000n;
  return { name, size: Number(st.size), mode, mtime: goTime(sec, st.mtimeNs - sec * 1_000_000_000n), linkTarget };
}

export const encodePathStat = (s: PathStat): string => Buffer.from(JSON.stringify(s)).toString('base64');
