// engine top CONTAINER [ps OPTIONS]
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { tabulate } from '../format/template.js';

interface Args extends GlobalArgs {
  container: string;
  psArgs: string[];
  '--'?: Array<string | number> | undefined;
}

export const top: CommandModule<GlobalArgs, Args> = {
  command: 'top <container> [psArgs..]',
  describe: 'Display the running processes of a container',
  builder: (y) => (y as Argv<GlobalArgs>).positional('container', { type: 'string', demandOption: true }).positional('psArgs', { type: 'string', array: true, default: [] }) as unknown as Argv<Args>,
  handler: async (a) => {
    try {
      const psArgs = [...a.psArgs, ...(a['--'] ?? [])].map(String);
      const r = await api(a).call<{ Titles: string[]; Processes: string[][] }>('GET', `/containers/${encodeURIComponent(a.container)}/top`, { query: { ps_args: psArgs.length ? psArgs.join(' ') : undefined } });
      process.stdout.write(`${tabulate([r.Titles, ...r.Processes], 20)}\n`);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
