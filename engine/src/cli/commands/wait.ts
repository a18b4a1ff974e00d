// engine wait: block until one or more containers stop, then print their exit codes.
import type { CommandModule } from 'yargs';
import { api, type GlobalArgs } from '../context.js';
import { eachContainer, names, containerPath, type Names } from './simple-verbs.js';

export const wait: CommandModule<GlobalArgs, Names> = {
  command: 'wait <containers..>',
  describe: 'Block until one or more containers stop, then print their exit codes',
  builder: names,
  handler: (a) =>
    eachContainer(
      a.containers,
      async (n) => {
        const r = await api(a).call<{ StatusCode: number }>('POST', containerPath(n, 'wait'));
        process.stdout.write(`${r.StatusCode}\n`);
      },
      false,
    ),
};
