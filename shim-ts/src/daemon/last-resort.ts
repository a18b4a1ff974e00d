// The last line of defence: one shim serves every container of its group, so an error that escaped
// every handler (a bug) is logged and survived instead of ending the process and all its containers.
// Each call and each stream contains its own errors (server/call-guard.ts); this catches the rest.
import type { Log } from './log.js';

/** What the shim log says when an error got this far; the stress tests look for it. */
export const LAST_RESORT_MARK = "reached the shim's last resort";

export function installLastResort(log: Log): void {
  const report = (kind: string, err: unknown) => {
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    try {
      log('error', `${kind} ${LAST_RESORT_MARK} (a bug; the shim keeps serving): ${text}`);
    } catch {
      // a log that cannot be written must not turn this into a crash either
    }
  };
  process.on('uncaughtException', (err) => report('uncaught exception', err));
  process.on('unhandledRejection', (reason) => report('unhandled rejection', reason));
}
