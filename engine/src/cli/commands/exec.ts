// engine exec [-d] [-i] [-t] [-e] [-u] [-w] [--privileged] CONTAINER COMMAND…
import type { Argv, CommandModule } from 'yargs';
import type { Duplex } from 'node:stream';
import { ApiError } from '../api-client.js';
import { api, errorText, exit, fail, type GlobalArgs } from '../context.js';
import { runSession } from '../streams/attach-session.js';
import { commandOf } from '../options/container-options.js';

interface Args extends GlobalArgs {
  container: string;
  command: string[];
  '--'?: Array<string | number> | undefined;
  detach: boolean;
  interactive: boolean;
  tty: boolean;
  env: string[];
  user?: string | undefined;
  workdir?: string | undefined;
  privileged: boolean;
  'detach-keys'?: string | undefined;
}

export const exec: CommandModule<GlobalArgs, Args> = {
  command: 'exec <container> [command..]',
  describe: 'Run a command in a running container',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('container', { type: 'string', demandOption: true })
      .positional('command', { type: 'string', array: true, default: [] })
      .option('detach', { alias: 'd', type: 'boolean', default: false, describe: 'run the command in the background' })
      .option('interactive', { alias: 'i', type: 'boolean', default: false, describe: 'keep stdin open' })
      .option('tty', { alias: 't', type: 'boolean', default: false, describe: 'allocate a pseudo-TTY' })
      .option('env', { alias: 'e', type: 'string', array: true, default: [], describe: 'set environment variables' })
      .option('user', { alias: 'u', type: 'string', describe: 'user[:group]' })
      .option('workdir', { alias: 'w', type: 'string', describe: 'working directory' })
      .option('privileged', { type: 'boolean', default: false, describe: 'extended privileges' })
      .option('detach-keys', { type: 'string' }) as unknown as Argv<Args>,
  handler: async (a) => {
    const client = api(a);
    if (a.tty && a.interactive && !a.detach && !process.stdin.isTTY) {
      process.stderr.write('the input device is not a TTY\n');
      exit(1);
    }
    try {
      const { Id } = await client.call<{ Id: string }>('POST', `/containers/${encodeURIComponent(a.container)}/exec`, {
        notFound: { object: 'container', id: a.container },
        body: {
          AttachStdin: a.interactive && !a.detach,
          AttachStdout: !a.detach,
          AttachStderr: !a.detach,
          Tty: a.tty,
          Env: a.env,
          Cmd: commandOf(a) ?? [],
          User: a.user ?? '',
          WorkingDir: a.workdir ?? '',
          Privileged: a.privileged,
          DetachKeys: a['detach-keys'] ?? '',
        },
      });
      if (a.detach) {
        await client.call('POST', `/exec/${Id}/start`, { body: { Detach: true, Tty: a.tty } });
        exit(0);
      }
      let conn: Duplex;
      try {
        const size = a.tty && process.stdout.isTTY ? { ConsoleSize: [process.stdout.rows, process.stdout.columns] } : {};
        conn = await client.hijack(`/exec/${Id}/start`, { body: { Detach: false, Tty: a.tty, ...size } });
      } catch (err) {
        // The process did not start (missing or not executable): 126, as docker 20.10's exec.
        if (!(err instanceof ApiError)) throw err;
        process.stderr.write(`${errorText(err)}\n`);
        exit(126);
      }
      await runSession(conn, { tty: a.tty, stdin: a.interactive, resize: (w, h) => client.call('POST', `/exec/${Id}/resize`, { query: { w, h } }) });
      const info = await client.call<{ ExitCode: number | null; Running: boolean }>('GET', `/exec/${Id}/json`);
      exit(info.ExitCode ?? 0);
    } catch (err) {
      fail(err);
    }
  },
};
