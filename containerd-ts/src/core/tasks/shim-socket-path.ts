// A shim listens on <shim state dir>/<group>/shim.sock, and a unix socket path must fit sun_path
// (108 bytes with its NUL). Long namespaces and state dirs are shortened the way containerd does it,
// by hashing: a namespace too long for the path gets a hashed group name ('+' marks it: no namespace
// can contain one), and a state dir too long even for that is reached through a short symlink named
// by the hash of its path. Both are deterministic, so a restarted daemon finds its shims again.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SUN_PATH_MAX = 107;
/** Where the short links to long shim state dirs live (containerd keeps its sockets in /run/containerd/s). */
export const SHORT_LINK_DIR = '/run/containerd-ts/s';
const SOCKET_FILE = 'shim.sock';
const HASHED_GROUP_LEN = 'ns+'.length + 24;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const fits = (dir: string, group: string) => Buffer.byteLength(path.join(dir, group, SOCKET_FILE)) <= SUN_PATH_MAX;

/** The shim group of a namespace: the namespace itself when its socket path fits, else a hash of it. */
export function shimGroup(shimStateDir: string, namespace: string): string {
  return fits(shimStateDir, namespace) ? namespace : `ns+${sha256(namespace).slice(0, 24)}`;
}

/** The link a too-long state dir is reached through (whether or not it is needed). */
export function shortLinkFor(stateDir: string): string {
  return path.join(SHORT_LINK_DIR, sha256(path.resolve(stateDir)).slice(0, 32));
}

/**
 * The state dir to hand to shims: stateDir itself when a hashed group's socket fits under it, else
 * its short link (created, or replaced when it points elsewhere).
 */
export function shimStateDir(stateDir: string): string {
  if (Buffer.byteLength(path.join(stateDir, 'x'.repeat(HASHED_GROUP_LEN), SOCKET_FILE)) <= SUN_PATH_MAX) return stateDir;
  const link = shortLinkFor(stateDir);
  const target = path.resolve(stateDir);
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o711 });
  fs.mkdirSync(SHORT_LINK_DIR, { recursive: true, mode: 0o711 });
  let current: string | undefined;
  try {
    current = fs.readlinkSync(link);
  } catch {
    // not there yet
  }
  if (current !== target) {
    // Replace atomically: a link with a temp name renamed over the old one.
    const tmp = `${link}.${process.pid}.tmp`;
    fs.rmSync(tmp, { force: true });
    fs.symlinkSync(target, tmp);
    fs.renameSync(tmp, link);
  }
  return link;
}
