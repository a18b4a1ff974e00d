// For CRI tests that touch networking: moves the test's main thread (and so the children it spawns:
// daemons, registries, CNI plugins) into a network namespace of its own, and back at the end, so
// bridges and iptables rules vanish with it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import koffi from 'koffi';

const CLONE_NEWNET = 0x40000000;
const libc = koffi.load('libc.so.6');
const unshare = libc.func('int unshare(int flags)') as (f: number) => number;
const setns = libc.func('int setns(int fd, int nstype)') as (fd: number, t: number) => number;

export function enterPrivateNetns(): () => void {
  const home = fs.openSync('/proc/thread-self/ns/net', 'r');
  if (unshare(CLONE_NEWNET) !== 0) {
    fs.closeSync(home);
    throw new Error('unshare(CLONE_NEWNET) failed');
  }
  const up = spawnSync('ip', ['link', 'set', 'lo', 'up']);
  if (up.status !== 0) throw new Error(`ip link set lo up: ${String(up.stderr)}`);
  return () => {
    setns(home, CLONE_NEWNET);
    fs.closeSync(home);
  };
}

/** Runs a command in the network namespace of a process. */
export function inNetnsOf(pid: number, args: string[]): string {
  const r = spawnSync('nsenter', [`--net=/proc/${pid}/ns/net`, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
