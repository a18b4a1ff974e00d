// ctr-ts images ls
import type { CommandModule } from 'yargs';
import { isIndex, isManifest } from '../../../core/images/media-types.js';
import { formatPlatform } from '../../../core/images/platform.js';
import { bytes, labelsText, out, print, time, withClient, type GlobalArgs } from '../common.js';
import { readBlob } from './resolve-name.js';
import type { StackClient } from '../../../client/client.js';

interface Summary {
  size: number;
  platforms: string[];
}

/** Size of what is stored for the image, and the platforms it covers (best effort). */
async function summarize(c: StackClient, mediaType: string, digest: string, size: number): Promise<Summary> {
  try {
    const doc = JSON.parse((await readBlob(c, digest)).toString('utf8')) as {
      manifests?: Array<{ mediaType: string; digest: string; size: number; platform?: { os: string; architecture: string; variant?: string } }>;
      config?: { digest: string; size: number };
      layers?: Array<{ size: number }>;
    };
    if (isIndex(mediaType)) {
      const s: Summary = { size, platforms: [] };
      for (const m of doc.manifests ?? []) {
        try {
          await c.content.info({ digest: m.digest });
        } catch {
          continue;
        }
        const sub = await summarize(c, m.mediaType, m.digest, m.size);
        s.size += sub.size;
        if (m.platform) s.platforms.push(formatPlatform(m.platform));
      }
      return s;
    }
    if (isManifest(mediaType) && doc.config) {
      const cfg = JSON.parse((await readBlob(c, doc.config.digest)).toString('utf8')) as { os?: string; architecture?: string; variant?: string };
      const platforms = cfg.os && cfg.architecture ? [formatPlatform({ os: cfg.os, architecture: cfg.architecture, ...(cfg.variant ? { variant: cfg.variant } : {}) })] : [];
      return { size: size + doc.config.size + (doc.layers ?? []).reduce((a, l) => a + l.size, 0), platforms };
    }
  } catch {
    // content missing: show what the record says
  }
  return { size, platforms: [] };
}

export const imagesLs: CommandModule<GlobalArgs, GlobalArgs & { quiet: boolean; filters: string[] }> = {
  command: ['ls [filters..]', 'list'],
  describe: 'list images',
  builder: (y) => y.option('quiet', { alias: 'q', type: 'boolean', default: false }).positional('filters', { type: 'string', array: true, default: [] }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const { images } = await c.images.list({ filters: argv.filters });
      if (argv.quiet) return out(images.map((i) => i.name).join('\n'));
      const rows = await Promise.all(images.map(async (i) => ({ image: i, summary: await summarize(c, i.target?.mediaType ?? '', i.target?.digest ?? '', Number(i.target?.size ?? 0n)) })));
      print(
        argv,
        rows,
        ['REF', 'TYPE', 'DIGEST', 'SIZE', 'PLATFORMS', 'LABELS'],
        ({ image: i, summary: s }) => [i.name, i.target?.mediaType ?? '', i.target?.digest ?? '', bytes(s.size), s.platforms.join(',') || '-', labelsText(i.labels)],
        ({ image: i, summary: s }) => ({ name: i.name, target: i.target, labels: i.labels, size: s.size, platforms: s.platforms, createdAt: time(i.createdAt), updatedAt: time(i.updatedAt) }),
      );
    }),
};
