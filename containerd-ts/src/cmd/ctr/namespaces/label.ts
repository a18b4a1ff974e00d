// ctr-ts namespaces label NAME [KEY=VALUE…]: sets labels (an empty value clears one, a missing
// namespace is created, as containerd does); prints nothing, as ctr.
import type { CommandModule } from 'yargs';
import { withClient, type GlobalArgs } from '../common.js';
import { labelUpdate } from '../label-update.js';

export const namespacesLabel: CommandModule<GlobalArgs, GlobalArgs & { name: string; labels: string[] }> = {
  command: 'label <name> [labels..]',
  describe: 'set and clear labels for a namespace (an empty value clears the label)',
  builder: (y) => y.positional('name', { type: 'string', demandOption: true }).positional('labels', { type: 'string', array: true, default: [] }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const { labels, paths } = labelUpdate(argv.labels);
      // Only the labels named are updated; a bare update (no labels) changes nothing.
      if (paths.length) await c.namespaces.update({ namespace: { name: argv.name, labels }, updateMask: { paths } });
    }),
};
