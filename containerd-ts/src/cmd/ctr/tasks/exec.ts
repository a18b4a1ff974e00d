// ctr-ts tasks exec [-t] [-d] [--exec-id E] [--cwd D] [--user U] [--env K=V] ID CMD…: another
// process in a running task, with the container's process spec and the new command line.
import type { CommandModule } from 'yargs';
import { randomBytes } from 'node:crypto';
import { rootfsUserDb } from '../../../client/oci/rootfs-files.js';
import { PROCESS_TYPE_URL, type OciProcess, type OciSpec } from '../../../client/oci/spec.js';
import { mergeEnv } from '../../../client/oci/spec-opts.js';
import { checkUserSpec, resolveUser } from '../../../client/oci/user.js';
import { commandTail } from '../command-tail.js';
import { checkEnv, list } from '../container-flags.js';
import { withClient, type GlobalArgs } from '../common.js';
import { consoleSize } from './console.js';
import { runForeground } from './foreground.js';
import { taskStdio } from './task-stdio.js';

interface ExecArgs extends GlobalArgs {
  id: string;
  tty: boolean;
  detach: boolean;
  'exec-id': string | undefined;
  cwd: string | undefined;
  user: string | undefined;
  env: string[] | string | undefined;
  'log-uri': string | undefined;
}

export const tasksExec: CommandModule<GlobalArgs, ExecArgs> = {
  command: 'exec <id> [command..]',
  describe: 'run another process in a running task',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('tty', { alias: 't', type: 'boolean', default: false, describe: 'allocate a terminal' })
      .option('detach', { alias: 'd', type: 'boolean', default: false, describe: 'leave the process running' })
      .option('exec-id', { type: 'string', describe: 'the process\'s id within the task (default: random)' })
      .option('cwd', { type: 'string', describe: 'working directory' })
      .option('user', { alias: 'u', type: 'string', describe: 'UID[:GID] or NAME[:GROUP]' })
      .option('env', { type: 'string', describe: 'extra environment variable KEY=VALUE (repeatable)' })
      .option('log-uri', { type: 'string', describe: 'where a detached process\'s output goes' }) as never,
  handler: async (argv) => {
    const args = commandTail();
    if (args.length === 0) throw new Error('exec: give a command to run');
    if (argv['log-uri'] !== undefined && !argv.detach) throw new Error('--log-uri needs --detach');
    if (argv.user !== undefined) checkUserSpec(argv.user);
    const env = list(argv.env).map(checkEnv);
    const execId = argv['exec-id'] ?? randomBytes(8).toString('hex');
    const stdio = taskStdio(argv.detach ? argv['log-uri'] : undefined);
    const code = await withClient(argv, async (c) => {
      const { container } = await c.containers.get({ id: argv.id });
      if (!container?.spec) throw new Error(`container ${argv.id} has no spec`);
      const spec = JSON.parse(Buffer.from(container.spec.value).toString('utf8')) as OciSpec;
      const proc: OciProcess = { ...spec.process, args, terminal: argv.tty, env: mergeEnv(spec.process.env, env) };
      if (argv.cwd !== undefined) proc.cwd = argv.cwd;
      // The runtime sizes an exec's pty before the process runs (a resize could only come after).
      const size = argv.tty ? consoleSize() : undefined;
      if (size) proc.consoleSize = size;
      if (argv.user !== undefined) {
        const mounts = container.snapshotKey ? (await c.snapshots.mounts({ snapshotter: container.snapshotter, key: container.snapshotKey })).mounts : [];
        proc.user = resolveUser(argv.user, rootfsUserDb(mounts));
      }
      await c.tasks.exec({ containerId: argv.id, execId, terminal: argv.tty, spec: { typeUrl: PROCESS_TYPE_URL, value: Buffer.from(JSON.stringify(proc)) }, ...stdio });
      if (argv.detach) {
        try {
          await c.tasks.start({ containerId: argv.id, execId });
        } catch (err) {
          await c.tasks.deleteProcess({ containerId: argv.id, execId }).catch(() => undefined);
          throw err;
        }
        return 0;
      }
      let started = false;
      try {
        const status = await runForeground(c, {
          containerId: argv.id,
          execId,
          tty: argv.tty,
          stdin: true,
          start: async () => {
            await c.tasks.start({ containerId: argv.id, execId });
            started = true;
          },
        });
        await c.tasks.deleteProcess({ containerId: argv.id, execId });
        return status;
      } catch (err) {
        if (!started) await c.tasks.deleteProcess({ containerId: argv.id, execId }).catch(() => undefined);
        throw err;
      }
    });
    process.exit(code);
  },
};
