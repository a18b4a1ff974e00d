// ctr-ts containers rm ID…: the record and (unless --keep-snapshot) its snapshot. A stopped or
// created task goes with it; a live one is an error (as ctr).
import type { CommandModule } from 'yargs';
import type { StackClient } from '../../../client/client.js';
import { hasCode, Status } from '../../../client/light-channel.js';
import { removeContainer } from '../../../client/new-container.js';
import { out, withClient, type GlobalArgs } from '../common.js';
import { STATUS, statusName } from '../tasks/status.js';

async function deleteStoppedTask(c: StackClient, id: string): Promise<void> {
  let status: number;
  try {
    status = (await c.tasks.get({ containerId: id })).process?.status ?? 0;
  } catch (err) {
    if (hasCode(err, Status.NOT_FOUND)) return;
    throw err;
  }
  if (status !== STATUS.STOPPED && status !== STATUS.CREATED) throw new Error(`cannot delete container ${id}: its task is ${statusName(status)} (kill it first)`);
  await c.tasks.delete({ containerId: id });
}

export const containersRm: CommandModule<GlobalArgs, GlobalArgs & { ids: string[]; 'keep-snapshot': boolean }> = {
  command: ['rm <ids..>', 'remove', 'delete', 'del'],
  describe: 'remove containers',
  builder: (y) => y.positional('ids', { type: 'string', array: true, demandOption: true }).option('keep-snapshot', { type: 'boolean', default: false }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      for (const id of argv.ids) {
        const { container } = await c.containers.get({ id });
        if (!container) continue;
        await deleteStoppedTask(c, id);
        await removeContainer(c, id, container.snapshotter, argv['keep-snapshot'] ? '' : container.snapshotKey);
        out(id);
      }
    }),
};
