// ctr-ts content prune references [--async] [--dry]: removes the labels by which manifests keep their
// layer blobs (`containerd.io/gc.ref.content.l.*`), so garbage collection frees layers whose content
// now lives in snapshots; as ctr's, under a lease whose deletion runs the collection (synchronously
// unless --async); it prints nothing. --dry only reports, on stderr, the labels it would remove.
import type { CommandModule } from 'yargs';
import { LEASE_HEADER } from '../../../core/namespaces/context.js';
import { withClient, type GlobalArgs } from '../common.js';
import { randomLeaseId } from '../leases/create.js';

export const LAYER_REF_PREFIX = 'containerd.io/gc.ref.content.l.';

export const contentPruneReferences: CommandModule<GlobalArgs, GlobalArgs & { async: boolean; dry: boolean }> = {
  command: 'references',
  describe: 'prune the layer reference labels from the content store',
  builder: (y) =>
    y
      .option('async', { type: 'boolean', default: false, describe: 'let garbage collection clean up asynchronously' })
      .option('dry', { type: 'boolean', default: false, describe: 'only show the labels that would be removed' }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const expire = new Date(Date.now() + 24 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const { lease } = await c.leases.create({ id: randomLeaseId(), labels: { 'containerd.io/gc.expire': expire } });
      const leaseId = lease?.id ?? '';
      const meta = { metadata: { [LEASE_HEADER]: leaseId } };
      try {
        if (argv.dry) process.stderr.write('dry run, no changes will be applied\n');
        const infos = [];
        for await (const r of c.content.list({ filters: [] }, meta)) infos.push(...r.info);
        for (const info of infos) {
          const layerRefs = Object.keys(info.labels).filter((k) => k.startsWith(LAYER_REF_PREFIX));
          if (argv.dry) {
            for (const k of layerRefs) process.stderr.write(`removing label ${k} from ${info.digest}\n`);
            continue;
          }
          if (layerRefs.length === 0) continue;
          const labels = { ...info.labels };
          for (const k of layerRefs) delete labels[k];
          await c.content.update({ info: { ...info, labels }, updateMask: { paths: layerRefs.map((k) => `labels.${k}`) } }, meta);
        }
      } finally {
        await c.leases.delete({ id: leaseId, sync: !argv.async });
      }
    }),
};
