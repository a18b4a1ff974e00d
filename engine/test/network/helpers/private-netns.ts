// Moves this test process's main thread into a fresh network namespace (and back afterwards), so
// sockets the test opens in-process, and the children it spawns, live on a loopback of their own.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { CLONE_NEWNET, libc } from '../../../src/network/host/libc.js';

export function enterPrivateNetns(): () => void {
  const home = fs.openSync('/proc/thread-self/ns/net', 'r');
  libc.unshare(CLONE_NEWNET);
  // libuv spawns from the main thread, so the child starts in the new namespace.
  const up = spawnSync('ip', ['link', 'set', 'lo', 'up']);
  if (up.status !== 0) throw new Error(`ip link set lo up: ${String(up.stderr)}`);
  return () => {
    libc.setns(home, CLONE_NEWNET);
    fs.closeSync(home);
  };
}
