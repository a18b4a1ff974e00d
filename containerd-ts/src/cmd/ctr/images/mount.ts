// ctr-ts images mount [--rw] [--snapshotter S] REF TARGET: the image's root filesystem mounted on
// TARGET (a directory), as ctr does it: a lease named TARGET (24 h, holding the snapshot) and a view
// (or with --rw an active snapshot) keyed TARGET on the image's top chain ID, mounted by mount(8).
// `images unmount TARGET` undoes it. Prints the snapshot's parent (the chain ID) and TARGET, as ctr.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandModule } from 'yargs';
import { mountAll, type HostMount } from './host-mount.js';
import { LEASE_HEADER } from '../../../core/namespaces/context.js';
import { hasCode, Status } from '../../../client/light-channel.js';
import { resolveRunImage } from '../../../client/run-image.js';
import { out, withClient, type GlobalArgs } from '../common.js';

interface Args extends GlobalArgs {
  ref: string;
  target: string;
  rw: boolean;
  snapshotter: string;
}

export const imagesMount: CommandModule<GlobalArgs, Args> = {
  command: 'mount <ref> <target>',
  describe: 'mount an image\'s root filesystem on a directory (undo with images unmount)',
  builder: (y) =>
    y
      .positional('ref', { type: 'string', demandOption: true })
      .positional('target', { type: 'string', demandOption: true, describe: 'an existing directory' })
      .option('rw', { type: 'boolean', default: false, describe: 'a writable mount (an active snapshot) instead of a view' })
      .option('snapshotter', { type: 'string', default: 'overlayfs', describe: 'snapshotter name' }) as never,
  handler: (argv) =>
    withClient(argv, async (c) => {
      const target = path.resolve(argv.target);
      if (!fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`mount target ${target}: not a directory`);
      const image = await resolveRunImage(c, argv.ref);
      const expire = new Date(Date.now() + 24 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      try {
        await c.leases.create({ id: target, labels: { 'containerd.io/gc.expire': expire, [`containerd.io/gc.ref.snapshot.${argv.snapshotter}`]: target } });
      } catch (err) {
        if (hasCode(err, Status.ALREADY_EXISTS)) throw new Error(`${target} is already an image mount (lease ${JSON.stringify(target)} exists): unmount it first`);
        throw err;
      }
      const meta = { metadata: { [LEASE_HEADER]: target } };
      let mounts: HostMount[];
      try {
        const req = { snapshotter: argv.snapshotter, key: target, parent: image.chainId };
        const r = argv.rw ? await c.snapshots.prepare(req, meta) : await c.snapshots.view(req, meta);
        mounts = r.mounts.map((m) => ({ type: m.type, source: m.source, options: [...m.options] }));
      } catch (err) {
        await c.leases.delete({ id: target }).catch(() => undefined);
        if (hasCode(err, Status.NOT_FOUND)) throw new Error(`image ${image.name} is not unpacked for snapshotter ${argv.snapshotter} (snapshot ${image.chainId} not found): pull it again`);
        throw err;
      }
      try {
        await mountAll(mounts, target);
      } catch (err) {
        await c.snapshots.remove({ snapshotter: argv.snapshotter, key: target }).catch(() => undefined);
        await c.leases.delete({ id: target }).catch(() => undefined);
        throw err;
      }
      out(`${image.chainId}\n${target}`);
    }),
};
