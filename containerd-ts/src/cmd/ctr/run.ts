// ctr-ts run [--rm] [-d] [-t] [container flags] IMAGE ID [CMD…]: a container from an image and its
// task. In the foreground its stdio is attached and ctr-ts exits with its status; -d leaves it
// running with output to --log-uri (default: nowhere). Anything this command created is removed
// again if the task cannot be created or started.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandModule } from 'yargs';
import type { StackClient } from '../../client/client.js';
import { newContainer, removeContainer } from '../../client/new-container.js';
import { commandTail } from './command-tail.js';
import { containerOptions, withContainerFlags, type ContainerFlags } from './container-flags.js';
import { withClient, type GlobalArgs } from './common.js';
import { runForeground } from './tasks/foreground.js';
import { taskStdio } from './tasks/task-stdio.js';

interface RunArgs extends GlobalArgs, ContainerFlags {
  image: string;
  id: string;
  rm: boolean;
  detach: boolean;
  'log-uri': string | undefined;
  'null-io': boolean;
  'pid-file': string | undefined;
}

/** ctr's --pid-file: the task's pid, written whole (temp file renamed) before the task starts. */
function writePidFile(file: string, pid: number): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.tmp`);
  fs.writeFileSync(tmp, String(pid));
  fs.renameSync(tmp, file);
}

/** Deletes a task that may still run (a failed start): killed first, as ctr's task.Delete(WithProcessKill). */
async function forceDeleteTask(c: StackClient, id: string): Promise<void> {
  await c.tasks.kill({ containerId: id, signal: 9, all: true }).catch(() => undefined);
  await c.tasks.wait({ containerId: id }).catch(() => undefined);
  await c.tasks.delete({ containerId: id }).catch(() => undefined);
}

export const runCommand: CommandModule<GlobalArgs, RunArgs> = {
  command: 'run <image> <id> [command..]',
  describe: 'run a container from an image',
  builder: (y) =>
    withContainerFlags(y)
      .positional('image', { type: 'string', demandOption: true })
      .positional('id', { type: 'string', demandOption: true })
      .option('rm', { type: 'boolean', default: false, describe: 'remove the container after it exits' })
      .option('detach', { alias: 'd', type: 'boolean', default: false, describe: 'leave the task running' })
      .option('pid-file', { type: 'string', describe: 'write the task\'s pid to this file' })
      .option('null-io', { type: 'boolean', default: false, describe: 'send all IO to /dev/null' })
      .option('log-uri', { type: 'string', describe: 'where a detached task\'s output goes (file:///…, jsonlog:///…)' }) as never,
  handler: async (argv) => {
    if (argv.rm && argv.detach) throw new Error('--rm and --detach cannot be used together');
    if (argv['log-uri'] !== undefined && !argv.detach) throw new Error('--log-uri needs --detach (in the foreground output comes here)');
    if (argv['null-io'] && (argv['log-uri'] !== undefined || argv.tty)) throw new Error('--null-io cannot be used with --log-uri or --tty');
    const options = containerOptions(argv, argv.image, argv.id, commandTail());
    // No stdio at all: the shim discards the output and stdin is closed.
    const stdio = argv['null-io'] ? { stdin: '', stdout: '', stderr: '' } : taskStdio(argv.detach ? argv['log-uri'] : undefined);
    const code = await withClient(argv, async (c) => {
      const ctr = await newContainer(c, options);
      let created = false;
      let started = false;
      try {
        const [task] = await Promise.all([c.tasks.create({ containerId: ctr.id, rootfs: ctr.rootfs, terminal: argv.tty, ...stdio }), ctr.leaseReleased]);
        created = true;
        if (argv['pid-file'] !== undefined) writePidFile(argv['pid-file'], task.pid);
        if (argv.detach) {
          await c.tasks.start({ containerId: ctr.id });
          return 0;
        }
        if (argv['null-io']) {
          await c.tasks.start({ containerId: ctr.id });
          started = true;
          const { exitStatus } = await c.tasks.wait({ containerId: ctr.id });
          await c.tasks.delete({ containerId: ctr.id });
          if (argv.rm) await removeContainer(c, ctr.id, ctr.snapshotter, ctr.snapshotKey);
          return exitStatus;
        }
        const status = await runForeground(c, {
          containerId: ctr.id,
          tty: argv.tty,
          stdin: true,
          start: async () => {
            await c.tasks.start({ containerId: ctr.id });
            started = true;
          },
        });
        // The foreground task is always deleted (as ctr does); --rm takes the container too.
        await c.tasks.delete({ containerId: ctr.id });
        if (argv.rm) await removeContainer(c, ctr.id, ctr.snapshotter, ctr.snapshotKey);
        return status;
      } catch (err) {
        if (!started) {
          if (created) await forceDeleteTask(c, ctr.id);
          await removeContainer(c, ctr.id, ctr.snapshotter, ctr.snapshotKey).catch(() => undefined);
        }
        throw err;
      }
    });
    process.exit(code);
  },
};
