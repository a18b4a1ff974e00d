// ctr-ts images unmount [--rm] TARGET: unmounts what `images mount` mounted there; --rm also removes
// its snapshot and lease (otherwise they stay until the lease expires, as with ctr). Prints TARGET.
import * as path from 'node:path';
import type { CommandModule } from 'yargs';
import { hasCode, Status } from '../../../client/light-channel.js';
import { out, withClient, type GlobalArgs } from '../common.js';
import { unmountAll } from './host-mount.js';

export const imagesUnmount: CommandModule<GlobalArgs, GlobalArgs & { target: string; rm: boolean; snapshotter: string }> = {
  command: 'unmount <target>',
  describe: 'unmount an image\'s root filesystem mounted by images mount',
  builder: (y) =>
    y
      .positional('target', { type: 'string', demandOption: true })
      .option('rm', { type: 'boolean', default: false, describe: 'remove the snapshot after a successful unmount' })
      .option('snapshotter', { type: 'string', default: 'overlayfs', describe: 'snapshotter name' }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const target = path.resolve(argv.target);
      await unmountAll(target);
      if (argv.rm) {
        await c.leases.delete({ id: target }).catch((err: unknown) => {
          if (!hasCode(err, Status.NOT_FOUND)) throw err;
        });
        await c.snapshots.remove({ snapshotter: argv.snapshotter, key: target });
      }
      out(target);
    }),
};
