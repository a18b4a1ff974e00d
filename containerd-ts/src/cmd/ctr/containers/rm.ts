// ctr-ts containers rm ID…: the record and (unless --keep-snapshot) its snapshot.
import type { CommandModule } from 'yargs';
import { hasCode, Status } from '../../../client/light-channel.js';
import { out, withClient, type GlobalArgs } from '../common.js';

export const containersRm: CommandModule<GlobalArgs, GlobalArgs & { ids: string[]; 'keep-snapshot': boolean }> = {
  command: ['rm <ids..>', 'remove', 'delete', 'del'],
  describe: 'remove containers',
  builder: (y) => y.positional('ids', { type: 'string', array: true, demandOption: true }).option('keep-snapshot', { type: 'boolean', default: false }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      for (const id of argv.ids) {
        const { container } = await c.containers.get({ id });
        if (container && !argv['keep-snapshot'] && container.snapshotKey) {
          try {
            await c.snapshots.remove({ snapshotter: container.snapshotter, key: container.snapshotKey });
          } catch (err) {
            if (!hasCode(err, Status.NOT_FOUND)) throw err;
          }
        }
        await c.containers.delete({ id });
        out(id);
      }
    }),
};
