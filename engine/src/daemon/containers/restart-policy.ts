// Restart policies (no, always, on-failure[:N], unless-stopped) and the back-off between restarts:
// 100 ms doubling per restart, back to 100 ms once a run lasted 10 s, never over a minute.
import type { RestartPolicy } from '../state/container-record.js';

/**
 * Whether a container that exited is started again. A manual stop ends the restarts, except that
 * when the daemon starts, dockerd starts `always` containers again even if they were stopped by hand
 * (only `unless-stopped` ones stay down).
 */
export function shouldRestart(policy: RestartPolicy, exitCode: number, manuallyStopped: boolean, restartCount: number, atDaemonStart = false): boolean {
  switch (policy.Name) {
    case 'always':
      return atDaemonStart || !manuallyStopped;
    case 'unless-stopped':
      return !manuallyStopped;
    case 'on-failure':
      return !manuallyStopped && exitCode !== 0 && (policy.MaximumRetryCount === 0 || restartCount < policy.MaximumRetryCount);
    default:
      return false;
  }
}

export class Backoff {
  private delay = 0;

  next(ranForMs: number): number {
    if (ranForMs >= 10_000 || this.delay === 0) this.delay = 100;
    else this.delay = Math.min(this.delay * 2, 60_000);
    return this.delay;
  }
}
