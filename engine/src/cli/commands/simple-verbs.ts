// A verb applied to each named container (stop, kill, pause…): errors are printed per container
// and the exit code is 1 if any failed, as docker does.
import type { Argv } from 'yargs';
import { errorText, exit, type GlobalArgs } from '../context.js';

/** docker's limit on requests in flight for a verb on many containers. */
const MAX_IN_FLIGHT = 50;

/** Calls fn for each name, at most `limit` at a time; the results come back in the names' order. */
export function inParallel<T>(names: readonly string[], fn: (name: string) => Promise<T>, limit = MAX_IN_FLIGHT): Array<Promise<T>> {
  const slots: Array<() => void> = [];
  let running = 0;
  const acquire = (): Promise<void> => {
    if (running < limit) {
      running++;
      return Promise.resolve();
    }
    return new Promise((r) => slots.push(r));
  };
  const release = () => {
    const next = slots.shift();
    if (next) next();
    else running--;
  };
  return names.map(async (n) => {
    await acquire();
    try {
      return await fn(n);
    } finally {
      release();
    }
  });
}

/**
 * Applies fn to each name and exits. `parallel`: all requests go out at once (docker's stop, kill,
 * rm, pause, unpause), the names are still printed in the order given. `failedSummary`: a last
 * error line listing the names that failed (`failed to start containers`).
 */
export async function eachContainer(names: readonly string[], fn: (name: string) => Promise<unknown>, print = true, parallel = false, failedSummary?: string): Promise<never> {
  const failed: string[] = [];
  const calls = parallel ? inParallel(names, fn) : undefined;
  // Every failure is reported below, in order: none may count as unhandled before its turn.
  for (const c of calls ?? []) c.catch(() => undefined);
  for (const [i, n] of names.entries()) {
    try {
      await (calls ? calls[i] : fn(n));
      if (print) process.stdout.write(`${n}\n`);
    } catch (err) {
      failed.push(n);
      process.stderr.write(`${errorText(err)}\n`);
    }
  }
  // docker start ends with one line naming every container that did not start.
  if (failed.length && failedSummary) process.stderr.write(`Error: ${failedSummary}: ${failed.join(', ')}\n`);
  exit(failed.length ? 1 : 0);
}

export interface Names extends GlobalArgs {
  containers: string[];
}

export const names = (y: Argv<GlobalArgs>) => y.positional('containers', { type: 'string', array: true, demandOption: true }) as unknown as Argv<Names>;
export const containerPath = (n: string, verb: string) => `/containers/${encodeURIComponent(n)}/${verb}`;
