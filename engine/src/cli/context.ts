// What every command gets: the API client for -H/ENGINE_HOST, and the exit with Docker's codes.
import { ApiClient, ApiError } from './api-client.js';

export interface GlobalArgs {
  host?: string | undefined;
}

let client: ApiClient | undefined;

/**
 * Bash completion parses the command line like a real call, and yargs runs the command's handler
 * too: while completing, handlers get a client that never sends anything (completing `engine rm
 * we` must not remove a container called `we`).
 */
export function completing(): boolean {
  return process.argv.includes('--get-yargs-completions');
}

export function api(args: GlobalArgs): ApiClient {
  // -H given twice: the last one wins.
  const host = Array.isArray(args.host) ? (args.host as string[]).at(-1) : args.host;
  client ??= new ApiClient(host, { inert: completing() });
  return client;
}

/** Daemon errors print as docker's do; the process exits 125 for them (1 for others). */
export function fail(err: unknown, prefix = ''): never {
  const message = err instanceof ApiError ? `Error response from daemon: ${err.message}` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`${prefix}${message}\n`);
  process.exit(err instanceof ApiError ? 125 : 1);
}

export function exit(code: number): never {
  client?.close();
  process.exit(code);
}
