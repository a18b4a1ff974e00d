// What the shim needs from an OCI runtime. Two implementations: runc-ts's library in-process (a warm
// process forks a container in milliseconds, a fresh runc-ts costs a Node boot each time) and any
// runc-compatible binary (Debian's runc) driven through its command line.
import type { CgroupStats } from '@stack/runc-ts';

export interface CreateParams {
  id: string;
  bundle: string;
  /** fds for the init's stdin, stdout, stderr (absent with a terminal). */
  stdio?: [number, number, number];
  /** Socket the runtime sends the pty master over (with a terminal). */
  consoleSocket?: number;
  noPivot: boolean;
  noNewKeyring: boolean;
}

export interface ExecParams {
  id: string;
  execId: string;
  /** The OCI process object (runtime-spec JSON). */
  process: unknown;
  stdio?: [number, number, number];
  consoleSocket?: number;
}

export interface OciRuntime {
  readonly name: string;
  /** Returns the init's host pid, blocked on `start`. */
  create(p: CreateParams): Promise<number>;
  start(id: string): Promise<void>;
  /** Starts a process in the container; returns its host pid. */
  exec(p: ExecParams): Promise<number>;
  kill(id: string, signal: number, all: boolean): Promise<void>;
  delete(id: string, force: boolean): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Applies linux.resources (runtime-spec JSON). */
  update(id: string, resources: unknown): Promise<void>;
  stats(id: string): Promise<CgroupStats>;
  pids(id: string): Promise<number[]>;
}
