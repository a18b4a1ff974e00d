// engine logs [-f] [--tail N] [--since T] [--until T] [-t] CONTAINER
import type { Argv, CommandModule } from 'yargs';
import { FrameDecoder, STDERR, SYSTEMERR } from '../../common/stdcopy.js';
import { api, exit, fail, refuse, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  container: string;
  follow: boolean;
  tail: string;
  since?: string | undefined;
  until?: string | undefined;
  timestamps: boolean;
  details: boolean;
}

/** 10m, 1h30m, RFC 3339, or Unix seconds → what the API takes. */
export function sinceValue(v: string | undefined): string | undefined {
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return v;
  const d = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
  if (d && (d[1] || d[2] || d[3])) return String(Date.now() / 1000 - (Number(d[1] ?? 0) * 3600 + Number(d[2] ?? 0) * 60 + Number(d[3] ?? 0)));
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new Error(`invalid time format: ${v}`);
  return String(t / 1000);
}

export const logs: CommandModule<GlobalArgs, Args> = {
  command: 'logs <container>',
  describe: 'Fetch the logs of a container',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('container', { type: 'string', demandOption: true })
      .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'follow log output' })
      .option('tail', { alias: 'n', type: 'string', default: 'all', describe: 'number of lines to show from the end' })
      .option('since', { type: 'string', describe: 'since a timestamp or relative time (e.g. 10m)' })
      .option('until', { type: 'string', describe: 'until a timestamp or relative time' })
      .option('timestamps', { alias: 't', type: 'boolean', default: false, describe: 'show timestamps' })
      .option('details', { type: 'boolean', default: false, describe: 'show extra details provided to logs (not supported)' }) as unknown as Argv<Args>,
  handler: async (a) => {
    refuse('logs', a, { details: 'the json-file log keeps no log attributes' });
    const client = api(a);
    try {
      const c = await client.call<{ Config: { Tty: boolean } }>('GET', `/containers/${encodeURIComponent(a.container)}/json`, { notFound: { object: 'container', id: a.container } });
      const res = await client.stream('GET', `/containers/${encodeURIComponent(a.container)}/logs`, {
        query: { stdout: true, stderr: true, follow: a.follow, tail: a.tail, since: sinceValue(a.since), until: sinceValue(a.until), timestamps: a.timestamps },
      });
      let damaged = false;
      const decoder = new FrameDecoder((s, p) => {
        // The daemon's own error (a damaged record it skipped): said on stderr, and the exit code.
        if (s === SYSTEMERR) {
          damaged = true;
          process.stderr.write(`error from daemon in stream: ${p.toString()}\n`);
        } else (s === STDERR ? process.stderr : process.stdout).write(p);
      });
      for await (const chunk of res as AsyncIterable<Buffer>) {
        if (c.Config.Tty) process.stdout.write(chunk);
        else decoder.push(chunk);
      }
      // stdout may be asynchronous (a pipe from the startup snapshot): exiting at once lost the tail.
      await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
      if (damaged) exit(1);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};

/** Resolves once everything written to out before it has been handed to the OS. */
function flushed(out: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => out.write('', () => resolve()));
}
