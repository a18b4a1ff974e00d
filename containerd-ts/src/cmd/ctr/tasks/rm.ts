// ctr-ts tasks rm [-f] [--exec-id E] ID…: deletes stopped tasks (or one exec process); -f kills a
// live one first.
import type { CommandModule } from 'yargs';
import type { StackClient } from '../../../client/client.js';
import { withClient, type GlobalArgs } from '../common.js';
import { STATUS, statusName } from './status.js';

interface RmArgs extends GlobalArgs {
  ids: string[];
  force: boolean;
  'exec-id': string | undefined;
}

async function killAndWait(c: StackClient, id: string, execId: string, paused: boolean): Promise<void> {
  const waited = c.tasks.wait({ containerId: id, execId });
  await c.tasks.kill({ containerId: id, execId, signal: 9, all: execId === '' });
  // A frozen process takes its SIGKILL only once thawed.
  if (paused) await c.tasks.resume({ containerId: id }).catch(() => undefined);
  await waited;
}

async function deleteOne(c: StackClient, id: string, execId: string, force: boolean): Promise<void> {
  const { process: p } = await c.tasks.get({ containerId: id, execId });
  const status = p?.status ?? 0;
  if (status !== STATUS.STOPPED && status !== STATUS.CREATED) {
    if (!force) throw new Error(`${execId ? `process ${execId} of task ${id}` : `task ${id}`} must be stopped before deletion (it is ${statusName(status)}; use --force)`);
    await killAndWait(c, id, execId, status === STATUS.PAUSED);
  }
  if (execId) await c.tasks.deleteProcess({ containerId: id, execId });
  else await c.tasks.delete({ containerId: id });
}

export const tasksRm: CommandModule<GlobalArgs, RmArgs> = {
  command: ['delete <ids..>', 'del', 'remove', 'rm'],
  describe: 'delete tasks',
  builder: (y) =>
    y
      .positional('ids', { type: 'string', array: true, demandOption: true })
      .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'kill a task that still runs' })
      .option('exec-id', { type: 'string', describe: 'delete this exec process instead' }) as never,
  handler: (argv) =>
    withClient(argv, async (c) => {
      for (const id of argv.ids) await deleteOne(c, id, argv['exec-id'] ?? '', argv.force);
    }),
};
