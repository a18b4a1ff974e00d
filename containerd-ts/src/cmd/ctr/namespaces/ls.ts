// ctr-ts namespaces ls
import type { CommandModule } from 'yargs';
import { labelsText, out, print, withClient, type GlobalArgs } from '../common.js';

export const namespacesLs: CommandModule<GlobalArgs, GlobalArgs & { quiet: boolean }> = {
  command: ['ls', 'list'],
  describe: 'list namespaces',
  builder: (y) => y.option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only names' }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const { namespaces } = await c.namespaces.list({});
      if (argv.quiet) return out(namespaces.map((n) => n.name).join('\n'));
      print(argv, namespaces, ['NAME', 'LABELS'], (n) => [n.name, labelsText(n.labels)], (n) => ({ name: n.name, labels: n.labels }));
    }),
};
