// ctr-ts tasks ps ID: the container's processes (PID INFO), each exec process named by its exec id.
import { fromBinary } from '@bufbuild/protobuf';
import type { CommandModule } from 'yargs';
import { json, out, table, withClient, type GlobalArgs } from '../common.js';

/** containerd.runc.v1.ProcessDetails in a ProcessInfo's Any: the exec id of an exec'd process. */
function execIdOf(info: { typeUrl: string; value: Uint8Array } | undefined): string | undefined {
  if (!info || !info.typeUrl.endsWith('containerd.runc.v1.ProcessDetails')) return undefined;
  const { ProcessDetailsSchema } = require('@stack/proto/gen/containerd/runc/v1/options_pb') as typeof import('@stack/proto/gen/containerd/runc/v1/options_pb');
  return fromBinary(ProcessDetailsSchema, info.value).execId;
}

export const tasksPs: CommandModule<GlobalArgs, GlobalArgs & { id: string }> = {
  command: 'ps <id>',
  describe: 'list the processes of a task',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const { processes } = await c.tasks.listPids({ containerId: argv.id });
      const rows = processes.map((p) => ({ pid: p.pid, execId: execIdOf(p.info) }));
      if (argv.format === 'json') out(json(rows));
      else out(table(['PID', 'INFO'], rows.map((r) => [String(r.pid), r.execId ? `exec-id=${r.execId}` : '-'])));
    }),
};
