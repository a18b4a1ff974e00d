// engine start [-a] [-i] CONTAINER…
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { attachStartWait } from './run.js';
import { eachContainer } from './simple-verbs.js';

interface Args extends GlobalArgs {
  containers: string[];
  attach: boolean;
  interactive: boolean;
  'detach-keys'?: string | undefined;
}

export const start: CommandModule<GlobalArgs, Args> = {
  command: 'start <containers..>',
  describe: 'Start one or more stopped containers',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('containers', { type: 'string', array: true, demandOption: true })
      .option('attach', { alias: 'a', type: 'boolean', default: false, describe: 'attach stdout/stderr and forward signals' })
      .option('interactive', { alias: 'i', type: 'boolean', default: false, describe: "attach the container's stdin" })
      .option('detach-keys', { type: 'string' }) as unknown as Argv<Args>,
  handler: async (args) => {
    const client = api(args);
    if (args.attach || args.interactive) {
      const name = args.containers[0]!;
      try {
        const c = await client.call<{ Id: string; Config: { Tty: boolean; OpenStdin: boolean }; HostConfig: { AutoRemove: boolean } }>('GET', `/containers/${encodeURIComponent(name)}/json`);
        const code = await attachStartWait(args, c.Id, { tty: c.Config.Tty, stdin: args.interactive && c.Config.OpenStdin, ...(args['detach-keys'] ? { detachKeys: args['detach-keys'] } : {}), sigProxy: !c.Config.Tty, autoRemove: c.HostConfig.AutoRemove, start: true });
        exit(code);
      } catch (err) {
        fail(err);
      }
    }
    await eachContainer(args.containers, (n) => client.call('POST', `/containers/${encodeURIComponent(n)}/start`), true, false, 'failed to start containers');
  },
};
