// Starting shim-ts for a group of tasks: `shim-ts start` prints the address of the group's shim,
// spawning it (daemonized, in its own session) when none runs.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unavailable } from '../errdefs.js';
import { shimGroup, shimStateDir } from './shim-socket-path.js';

export interface ShimLauncherOptions {
  /** The shim-ts executable. */
  binary: string;
  /** shim-ts --state-dir: one directory per group (socket, pid, exit records). */
  stateDir: string;
  /** shim-ts --runtime-root: runc-ts state, one directory per namespace. */
  runtimeRoot: string;
}

/** The shim-ts that ships with this stack (the @stack/shim-ts package's bin/shim-ts). */
export function defaultShimBinary(): string {
  const main = require.resolve('@stack/shim-ts');
  return path.resolve(path.dirname(main), '../../bin/shim-ts');
}

export class ShimLauncher {
  /** The --state-dir handed to shims: opts.stateDir, or a short link to it when it is too long. */
  readonly shimDir: string;

  constructor(readonly opts: ShimLauncherOptions) {
    this.shimDir = shimStateDir(opts.stateDir);
  }

  /** The group (a directory under the state dir) of a namespace's shim: its socket path always fits. */
  groupOf(namespace: string): string {
    return shimGroup(this.shimDir, namespace);
  }

  /** The socket of the shim serving a namespace, if one answers on it right now (no start). */
  existing(namespace: string): string | undefined {
    return this.existingGroup(this.groupOf(namespace));
  }

  /** As existing(), for a group directory found under the state dir. */
  existingGroup(group: string): string | undefined {
    const socket = path.join(this.shimDir, group, 'shim.sock');
    const pidFile = path.join(this.shimDir, group, 'shim.pid');
    try {
      // A killed shim may linger as a zombie until its reaper gets to it: that is not alive.
      const stat = fs.readFileSync(`/proc/${Number(fs.readFileSync(pidFile, 'utf8'))}/stat`, 'utf8');
      if (/^\S+ \(.*\) [ZX] /.test(stat)) return undefined;
      return fs.existsSync(socket) ? socket : undefined;
    } catch {
      return undefined;
    }
  }

  /** Returns the socket path of the namespace's shim, starting it if needed. */
  start(namespace: string): Promise<string> {
    const group = this.groupOf(namespace);
    const live = this.existingGroup(group);
    if (live) return Promise.resolve(live);
    const args = ['start', '--state-dir', this.shimDir, '--runtime-root', this.opts.runtimeRoot, '--group', group];
    return new Promise((resolve, reject) => {
      execFile(this.opts.binary, args, { timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) return reject(unavailable(`cannot start shim-ts for ${namespace}: ${stderr.trim() || err.message}`));
        const address = stdout.trim();
        resolve(address.startsWith('unix://') ? address.slice('unix://'.length) : address);
      });
    });
  }

  /** `shim-ts delete`: clean up a task whose shim died; returns the exit the shim recorded, or a kill. */
  cleanup(namespace: string, id: string, bundle: string): Promise<{ pid: number; exitStatus: number; exitedAt: Date }> {
    const args = ['delete', '--state-dir', this.shimDir, '--runtime-root', this.opts.runtimeRoot, '--group', this.groupOf(namespace), '--namespace', namespace, '--id', id, '--bundle', bundle];
    return new Promise((resolve, reject) => {
      execFile(this.opts.binary, args, { timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`shim-ts delete ${id}: ${stderr.trim() || err.message}`));
        const r = JSON.parse(stdout) as { pid: number; exitStatus: number; exitedAt: string };
        resolve({ pid: r.pid, exitStatus: r.exitStatus, exitedAt: new Date(r.exitedAt) });
      });
    });
  }
}
