// ctr-ts namespaces create NAME [KEY=VALUE…]
import type { CommandModule } from 'yargs';
import { parseLabels, withClient, type GlobalArgs } from '../common.js';

export const namespacesCreate: CommandModule<GlobalArgs, GlobalArgs & { name: string; labels: string[] }> = {
  command: 'create <name> [labels..]',
  describe: 'create a namespace',
  builder: (y) => y.positional('name', { type: 'string', demandOption: true }).positional('labels', { type: 'string', array: true, default: [] }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      await c.namespaces.create({ namespace: { name: argv.name, labels: parseLabels(argv.labels) } });
    }),
};
