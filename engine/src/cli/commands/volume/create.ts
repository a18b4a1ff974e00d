// engine volume create [--label k=v] [-o k=v] [NAME]
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../../context.js';

interface Args extends GlobalArgs {
  name?: string | undefined;
  label: string[];
  opt: string[];
  driver: string;
}

const pairs = (l: readonly string[]) => Object.fromEntries(l.map((x) => [x.split('=', 1)[0]!, x.includes('=') ? x.slice(x.indexOf('=') + 1) : '']));

export const volumeCreate: CommandModule<GlobalArgs, Args> = {
  command: 'create [name]',
  describe: 'Create a volume',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('name', { type: 'string' })
      .option('driver', { alias: 'd', type: 'string', default: 'local' })
      .option('label', { type: 'string', array: true, default: [] })
      .option('opt', { alias: 'o', type: 'string', array: true, default: [] }) as unknown as Argv<Args>,
  handler: async (a) => {
    try {
      const v = await api(a).call<{ Name: string }>('POST', '/volumes/create', { body: { Name: a.name ?? '', Driver: a.driver, Labels: pairs(a.label), DriverOpts: pairs(a.opt) } });
      process.stdout.write(`${v.Name}\n`);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
