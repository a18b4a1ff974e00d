// ctr-ts tasks start [-d] [--log-uri URI] ID: the task of a container made by `containers create`,
// on its snapshot's mounts; in the foreground until it exits (then deleted, as ctr does).
import type { CommandModule } from 'yargs';
import type { OciSpec } from '../../../client/oci/spec.js';
import { withClient, type GlobalArgs } from '../common.js';
import { runForeground } from './foreground.js';
import { taskStdio } from './task-stdio.js';

interface StartArgs extends GlobalArgs {
  id: string;
  detach: boolean;
  'log-uri': string | undefined;
}

export const tasksStart: CommandModule<GlobalArgs, StartArgs> = {
  command: 'start <id>',
  describe: 'start the task of a created container',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('detach', { alias: 'd', type: 'boolean', default: false, describe: 'leave the task running' })
      .option('log-uri', { type: 'string', describe: 'where a detached task\'s output goes (file:///…, jsonlog:///…)' }) as never,
  handler: async (argv) => {
    if (argv['log-uri'] !== undefined && !argv.detach) throw new Error('--log-uri needs --detach');
    const stdio = taskStdio(argv.detach ? argv['log-uri'] : undefined);
    const code = await withClient(argv, async (c) => {
      const { container } = await c.containers.get({ id: argv.id });
      if (!container?.spec) throw new Error(`container ${argv.id} has no spec`);
      const spec = JSON.parse(Buffer.from(container.spec.value).toString('utf8')) as Partial<OciSpec>;
      const tty = spec.process?.terminal === true;
      const rootfs = container.snapshotKey ? (await c.snapshots.mounts({ snapshotter: container.snapshotter, key: container.snapshotKey })).mounts : [];
      await c.tasks.create({ containerId: argv.id, rootfs, terminal: tty, ...stdio });
      if (argv.detach) {
        try {
          await c.tasks.start({ containerId: argv.id });
        } catch (err) {
          await c.tasks.delete({ containerId: argv.id }).catch(() => undefined);
          throw err;
        }
        return 0;
      }
      let started = false;
      try {
        const status = await runForeground(c, {
          containerId: argv.id,
          tty,
          stdin: true,
          start: async () => {
            await c.tasks.start({ containerId: argv.id });
            started = true;
          },
        });
        await c.tasks.delete({ containerId: argv.id });
        return status;
      } catch (err) {
        if (!started) await c.tasks.delete({ containerId: argv.id }).catch(() => undefined);
        throw err;
      }
    });
    process.exit(code);
  },
};
