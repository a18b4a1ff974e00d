// A verb applied to each named container (stop, kill, pause…): errors are printed per container
// and the exit code is 1 if any failed, as docker does.
import { ApiError } from '../api-client.js';
import type { Argv } from 'yargs';
import { exit, type GlobalArgs } from '../context.js';

export async function eachContainer(names: readonly string[], fn: (name: string) => Promise<unknown>, print = true): Promise<never> {
  let failed = false;
  for (const n of names) {
    try {
      await fn(n);
      if (print) process.stdout.write(`${n}\n`);
    } catch (err) {
      failed = true;
      process.stderr.write(`${err instanceof ApiError ? `Error response from daemon: ${err.message}` : String(err)}\n`);
    }
  }
  exit(failed ? 1 : 0);
}

export interface Names extends GlobalArgs {
  containers: string[];
}

export const names = (y: Argv<GlobalArgs>) => y.positional('containers', { type: 'string', array: true, demandOption: true }) as unknown as Argv<Names>;
export const containerPath = (n: string, verb: string) => `/containers/${encodeURIComponent(n)}/${verb}`;
