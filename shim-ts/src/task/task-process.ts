// One process of a task (the init, or an exec): its pid, stdio, status and exit.
import type { ProcessIo, StdioSpec } from '../io/process-io.js';
import type { ExitInfo } from '../exit/exit-record.js';

export type ProcessStatus = 'created' | 'running' | 'paused' | 'stopped';

export class TaskProcess {
  pid = 0;
  status: ProcessStatus = 'created';
  exit: ExitInfo | undefined;
  private readonly waiters: Array<(e: ExitInfo) => void> = [];

  constructor(
    readonly containerId: string,
    /** '' for the init. */
    readonly execId: string,
    readonly stdio: StdioSpec,
    readonly io: ProcessIo,
    /** The OCI process of an exec (runtime-spec JSON). */
    readonly spec?: unknown,
  ) {}

  /** Resolves with the exit once the process has exited (at once if it has). */
  wait(): Promise<ExitInfo> {
    if (this.exit) return Promise.resolve(this.exit);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  exited(exit: ExitInfo): void {
    this.exit = exit;
    this.status = 'stopped';
    for (const w of this.waiters.splice(0)) w(exit);
  }
}
