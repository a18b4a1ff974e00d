// What every command gets: the API client for -H/ENGINE_HOST, and the exit with Docker's codes.
import { ApiClient, ApiError, DaemonUnreachableError, isConnectionError, ObjectNotFoundError } from './api-client.js';
import { defaultHost } from './host.js';

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

/**
 * How an error ends a command, as docker's client ends it: daemon answers as `Error response from
 * daemon: …`, a missing or vanished daemon as one `Cannot connect…` line, anything else as its
 * message. The exit status is 1, or `code` (125 for run/create, as docker) for daemon answers and
 * connection failures.
 */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return `Error response from daemon: ${err.message}`;
  if (err instanceof DaemonUnreachableError || err instanceof ObjectNotFoundError) return err.message;
  if (isConnectionError(err)) return new DaemonUnreachableError(client?.describe() ?? defaultHost()).message;
  const e = err as NodeJS.ErrnoException;
  // A local file's error in Go's words, as docker prints it: `open /x.tar: no such file or directory`.
  if (e instanceof Error && typeof e.syscall === 'string' && typeof e.path === 'string' && typeof e.code === 'string') return `${e.syscall} ${e.path}: ${/^[A-Z0-9]+: ([^,]+)/.exec(e.message)?.[1] ?? e.code}`;
  return err instanceof Error ? err.message : String(err);
}

export function fail(err: unknown, prefix = '', code = 1): never {
  process.stderr.write(`${prefix}${errorText(err)}\n`);
  exit(code);
}

/** docker's reportError for run/create: `engine: MESSAGE.` and, for errors before the container exists, the help hint. */
export function reportError(command: string, err: unknown, withHelp: boolean): void {
  const text = errorText(err);
  process.stderr.write(`engine: ${text}${text.endsWith('.') ? '' : '.'}\n${withHelp ? `See 'engine ${command} --help'.\n` : ''}`);
}

/**
 * docker flags the engine cannot honour (the daemon has no data for them): refused by name, never
 * accepted and ignored. `flags` maps each flag to the reason.
 */
export function refuse(command: string, args: object, flags: Record<string, string>): void {
  for (const [flag, why] of Object.entries(flags)) {
    if (!(args as Record<string, unknown>)[flag]) continue;
    process.stderr.write(`engine: ${command} --${flag} is not supported: ${why}\n`);
    exit(125);
  }
}

export function exit(code: number): never {
  client?.close();
  process.exit(code);
}
