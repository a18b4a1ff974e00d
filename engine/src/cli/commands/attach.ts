// engine attach [--no-stdin] [--sig-proxy] CONTAINER: the running container's stdio.
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { attachStartWait } from './run.js';

interface Args extends GlobalArgs {
  container: string;
  'no-stdin': boolean;
  'sig-proxy': boolean;
  'detach-keys'?: string | undefined;
}

export const attach: CommandModule<GlobalArgs, Args> = {
  command: 'attach <container>',
  describe: "Attach local standard input, output, and error streams to a running container",
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('container', { type: 'string', demandOption: true })
      .option('no-stdin', { type: 'boolean', default: false, describe: 'do not attach stdin' })
      .option('sig-proxy', { type: 'boolean', default: true, describe: 'proxy received signals to the process' })
      .option('detach-keys', { type: 'string' }) as unknown as Argv<Args>,
  handler: async (a) => {
    try {
      const c = await api(a).call<{ Id: string; State: { Running: boolean; Paused: boolean }; Config: { Tty: boolean; OpenStdin: boolean } }>('GET', `/containers/${encodeURIComponent(a.container)}/json`);
      if (!c.State.Running) {
        process.stderr.write('You cannot attach to a stopped container, start it first\n');
        exit(1);
      }
      const code = await attachStartWait(a, c.Id, { tty: c.Config.Tty, stdin: !a['no-stdin'] && c.Config.OpenStdin, ...(a['detach-keys'] ? { detachKeys: a['detach-keys'] } : {}), sigProxy: a['sig-proxy'] && !c.Config.Tty, autoRemove: false, start: false });
      exit(code);
    } catch (err) {
      fail(err);
    }
  },
};
