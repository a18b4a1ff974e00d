// engine run: create (pulling the image if needed), attach, start, wait — or start detached.
import type { Argv, CommandModule } from 'yargs';
import { api, exit, reportError, type GlobalArgs } from '../context.js';
import { createContainer } from '../container-create.js';
import { containerOptions, createBody, UsageError, type ContainerArgs } from '../options/container-options.js';
import { runSession } from '../streams/attach-session.js';

interface RunArgs extends GlobalArgs, ContainerArgs {
  detach: boolean;
  'detach-keys'?: string | undefined;
  'sig-proxy': boolean;
}

/** Exit codes docker run uses when the container never ran. */
export function startFailureCode(err: unknown): number {
  const m = err instanceof Error ? err.message : '';
  if (/executable file not found|no such file or directory/i.test(m)) return 127;
  if (/permission denied/i.test(m)) return 126;
  return 125;
}

/** Attaches to a container, starts it, relays its stdio, and returns its exit code. */
export async function attachStartWait(args: GlobalArgs, id: string, o: { tty: boolean; stdin: boolean; detachKeys?: string | undefined; sigProxy: boolean; autoRemove: boolean; start: boolean }): Promise<number> {
  const client = api(args);
  const conn = await client.hijack(`/containers/${id}/attach`, { query: { stream: true, stdin: o.stdin, stdout: true, stderr: true, detachKeys: o.detachKeys } });
  // The wait is registered (its headers are back) before the start, so the exit cannot be missed.
  const waitRes = await client.stream('POST', `/containers/${id}/wait`, { query: { condition: o.autoRemove ? 'removed' : 'next-exit' } });
  const waited = (async () => {
    const parts: Buffer[] = [];
    for await (const c of waitRes as AsyncIterable<Buffer>) parts.push(c);
    const text = Buffer.concat(parts).toString('utf8');
    return text ? (JSON.parse(text) as { StatusCode: number }).StatusCode : 0;
  })();
  // Attached before the start, so no output is lost; the first resize waits for the start.
  const start = o.start ? client.call('POST', `/containers/${id}/start`) : Promise.resolve();
  const session = runSession(conn, {
    tty: o.tty,
    started: start,
    detachKeys: o.detachKeys,
    stdin: o.stdin,
    resize: (w, h) => client.call('POST', `/containers/${id}/resize`, { query: { w, h } }),
    ...(o.sigProxy ? { proxySignal: (sig: NodeJS.Signals) => client.call('POST', `/containers/${id}/kill`, { query: { signal: sig } }) } : {}),
  });
  try {
    await start;
  } catch (err) {
    conn.destroy();
    reportError('run', err, false);
    return startFailureCode(err);
  }
  // The stream also ends when the user detaches (ctrl-p ctrl-q): the container runs on, status 0.
  const { detached } = await session;
  if (detached) {
    waited.catch(() => undefined);
    return 0;
  }
  return waited;
}

export const run: CommandModule<GlobalArgs, RunArgs> = {
  command: 'run <image> [command..]',
  describe: 'Create and run a new container from an image',
  builder: (y) =>
    containerOptions(y as Argv<GlobalArgs>)
      .option('detach', { alias: 'd', type: 'boolean', default: false, describe: 'run in the background and print the container ID' })
      .option('detach-keys', { type: 'string', describe: 'key sequence for detaching (default ctrl-p,ctrl-q)' })
      .option('sig-proxy', { type: 'boolean', default: true, describe: 'proxy received signals to the process' }) as unknown as Argv<RunArgs>,
  handler: async (args) => {
    const client = api(args);
    if (args.tty && args.interactive && !args.detach && !process.stdin.isTTY) {
      process.stderr.write('the input device is not a TTY\n');
      exit(1);
    }
    let body: Record<string, unknown>;
    try {
      body = createBody(args, args.detach);
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`engine: ${err.sentence}\nSee 'engine run --help'.\n`);
        exit(125);
      }
      throw err;
    }
    // The terminal's size at create (docker's ConsoleSize, [height, width]), for a daemon that
    // starts the console with it; the first resize after the start sets it either way.
    if (args.tty && process.stdout.isTTY) (body.HostConfig as Record<string, unknown>).ConsoleSize = [process.stdout.rows, process.stdout.columns];
    let id: string;
    try {
      id = await createContainer(client, body, args.name);
    } catch (err) {
      reportError('run', err, true);
      exit(startFailureCode(err));
    }
    if (args.detach) {
      try {
        await client.call('POST', `/containers/${id}/start`);
      } catch (err) {
        reportError('run', err, false);
        exit(startFailureCode(err));
      }
      process.stdout.write(`${id}\n`);
      exit(0);
    }
    const code = await attachStartWait(args, id, { tty: args.tty, stdin: args.interactive, ...(args['detach-keys'] ? { detachKeys: args['detach-keys'] } : {}), sigProxy: args['sig-proxy'] && !args.tty, autoRemove: args.rm, start: true });
    exit(code);
  },
};
