// Network namespaces as bind-mounted nsfs files (what `ip netns add` makes under /run/netns), at a
// path of ours: the container's runtime joins it by path (linux.namespaces[{type:'network', path}]).
//
// Node's main thread can switch network namespace on its own (only user and mount namespaces
// refuse a multi-threaded caller), so a namespace is made in-process in well under a millisecond:
// unshare on this thread, bind-mount /proc/thread-self/ns/net onto the file, setns back. Code
// that runs in between is synchronous, so no other JavaScript ever runs in the wrong namespace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLONE_NEWNET, LibcError, libc } from './libc.js';

/** Runs `body` with this thread in the namespace `enter` moves it to; always comes back. */
export function withThreadNetns<T>(enter: () => void, body: () => T): T {
  const home = fs.openSync('/proc/thread-self/ns/net', 'r');
  try {
    enter();
    try {
      return body();
    } finally {
      try {
        libc.setns(home, CLONE_NEWNET);
      } catch (err) {
        // Continuing would run every later socket and child process in a container's namespace.
        process.stderr.write(`network: cannot return to the daemon's network namespace: ${(err as Error).message}\n`);
        process.abort();
      }
    }
  } finally {
    fs.closeSync(home);
  }
}

/** Runs `body` inside the namespace at `netnsPath` (for sockets that must live there). */
export function inNetns<T>(netnsPath: string, body: () => T): T {
  const fd = fs.openSync(netnsPath, 'r');
  try {
    return withThreadNetns(() => libc.setns(fd, CLONE_NEWNET), body);
  } finally {
    fs.closeSync(fd);
  }
}

/** A new, empty network namespace kept alive by a bind mount at `file` (which must not exist). */
export function createNetns(file: string): void {
  fs.writeFileSync(file, '', { flag: 'wx', mode: 0o444 });
  try {
    withThreadNetns(
      () => libc.unshare(CLONE_NEWNET),
      () => libc.bindMount('/proc/thread-self/ns/net', file),
    );
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw err;
  }
}

/** Unmounts and removes a namespace file; the namespace itself goes when its last user does. */
export function removeNetns(file: string): void {
  try {
    libc.umountDetach(file);
  } catch (err) {
    // EINVAL: not a mount point (a half-made file); ENOENT: already gone.
    if (!(err instanceof LibcError) || !['EINVAL', 'ENOENT'].includes(err.code)) throw err;
  }
  fs.rmSync(file, { force: true });
}

/** Whether `file` is a live namespace mount (not an empty placeholder left by a crash). */
export function isNetnsMount(file: string): boolean {
  try {
    // An nsfs file reports a device of its own; the placeholder shares its directory's.
    const st = fs.statSync(file);
    const dir = fs.statSync(path.dirname(file));
    return st.dev !== dir.dev;
  } catch {
    return false;
  }
}
