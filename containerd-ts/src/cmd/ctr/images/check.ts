// ctr-ts images check [-q] [--snapshotter S] [FILTER…]: whether each image's content for this host's
// platform is all in the content store, and whether it is unpacked (its top layer's chain ID is a
// snapshot). Columns and status text as ctr's: "complete (2/2)", "incomplete (1/2)", "unavailable".
import type { CommandModule } from 'yargs';
import type { StackClient } from '../../../client/client.js';
import { hasCode, Status } from '../../../client/light-channel.js';
import { chainIds, parseConfig, parseIndex, parseManifest, selectManifest, type Descriptor } from '../../../core/images/manifest.js';
import { isIndex } from '../../../core/images/media-types.js';
import { hostPlatform } from '../../../core/images/platform.js';
import type { Digest } from '../../../core/digest.js';
import { bytes, out, print, withClient, type GlobalArgs } from '../common.js';
import { readBlob } from './resolve-name.js';

interface Check {
  /** The platform's manifest and everything it needs could be read. */
  available: boolean;
  required: Descriptor[];
  present: Descriptor[];
  unpacked: boolean;
}

async function has(c: StackClient, digest: string): Promise<boolean> {
  try {
    await c.content.info({ digest });
    return true;
  } catch (err) {
    if (hasCode(err, Status.NOT_FOUND)) return false;
    throw err;
  }
}

/** images.Check for the host platform, plus the unpacked test. */
async function check(c: StackClient, target: Descriptor, snapshotter: string): Promise<Check> {
  const none: Check = { available: false, required: [], present: [], unpacked: false };
  let desc = target;
  try {
    while (isIndex(desc.mediaType)) desc = selectManifest(parseIndex(await readBlob(c, desc.digest)), hostPlatform());
  } catch {
    return none;
  }
  if (!(await has(c, desc.digest))) return none;
  const manifest = parseManifest(await readBlob(c, desc.digest));
  const required = [manifest.config, ...manifest.layers];
  const present: Descriptor[] = [];
  for (const d of required) if (await has(c, d.digest)) present.push(d);
  let unpacked = false;
  if (present.includes(manifest.config)) {
    const diffIds = (parseConfig(await readBlob(c, manifest.config.digest)).rootfs?.diff_ids ?? []) as Digest[];
    const top = chainIds(diffIds).at(-1);
    if (top === undefined) unpacked = true;
    else {
      try {
        await c.snapshots.stat({ snapshotter, key: top });
        unpacked = true;
      } catch (err) {
        if (!hasCode(err, Status.NOT_FOUND)) throw err;
      }
    }
  }
  return { available: true, required, present, unpacked };
}

const sum = (ds: Descriptor[]) => ds.reduce((a, d) => a + Number(d.size), 0);

export const imagesCheck: CommandModule<GlobalArgs, GlobalArgs & { quiet: boolean; snapshotter: string; filters: string[] }> = {
  command: 'check [filters..]',
  describe: 'check that each image\'s content is all here, and whether it is unpacked',
  builder: (y) =>
    y
      .positional('filters', { type: 'string', array: true, default: [] })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only the ready image refs (fully downloaded and unpacked)' })
      .option('snapshotter', { type: 'string', default: 'overlayfs', describe: 'snapshotter name' }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const { images } = await c.images.list({ filters: argv.filters });
      const rows = [];
      for (const i of images) {
        const target: Descriptor = { mediaType: i.target?.mediaType ?? '', digest: (i.target?.digest ?? '') as Digest, size: Number(i.target?.size ?? 0n) };
        rows.push({ image: i, target, result: await check(c, target, argv.snapshotter) });
      }
      const complete = (r: Check) => r.available && r.present.length === r.required.length;
      if (argv.quiet) {
        const ready = rows.filter((r) => complete(r.result) && r.result.unpacked).map((r) => r.image.name);
        if (ready.length) out(ready.join('\n'));
        return;
      }
      const status = (r: Check) => (r.available ? `${complete(r) ? 'complete' : 'incomplete'} (${r.present.length}/${r.required.length})` : 'unavailable');
      print(
        argv,
        rows,
        ['REF', 'TYPE', 'DIGEST', 'STATUS', 'SIZE', 'UNPACKED'],
        ({ image, target, result }) => [image.name, target.mediaType, target.digest, status(result), result.available ? `${bytes(sum(result.present))}/${bytes(sum(result.required))}` : '-', String(result.unpacked)],
        ({ image, target, result }) => ({ name: image.name, target, status: status(result), presentSize: sum(result.present), requiredSize: sum(result.required), unpacked: result.unpacked }),
      );
    }),
};
