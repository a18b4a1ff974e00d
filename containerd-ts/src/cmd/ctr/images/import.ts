// ctr-ts images import FILE|-: streams an OCI or Docker archive to the daemon.
import * as fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { AsyncQueue } from '@stack/proto';
import { out, withClient, type GlobalArgs } from '../common.js';
import { progressView } from '../progress.js';

interface Args extends GlobalArgs {
  file: string;
  'base-name': string | undefined;
  'skip-unpack': boolean;
  platform: string | undefined;
  snapshotter: string | undefined;
  plain: boolean;
}

export const imagesImport: CommandModule<GlobalArgs, Args> = {
  command: 'import <file>',
  describe: 'import images from an OCI or docker-save archive ("-" for stdin)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true })
      .option('base-name', { type: 'string', describe: 'name for images the archive names only by tag' })
      .option('skip-unpack', { type: 'boolean', default: false })
      .option('platform', { type: 'string' })
      .option('snapshotter', { type: 'string' })
      .option('plain', { type: 'boolean', default: false }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const input = argv.file === '-' ? process.stdin : fs.createReadStream(argv.file, { highWaterMark: 1024 * 1024 });
      const q = new AsyncQueue<Parameters<typeof c.transfer.import>[0] extends Iterable<infer R> | AsyncIterable<infer R> ? R : never>();
      const view = progressView(argv.plain);
      const names: string[] = [];
      const pump = (async () => {
        let first = true;
        try {
          for await (const chunk of input) {
            q.push(first ? { data: chunk as Buffer, skipUnpack: argv['skip-unpack'], baseName: argv['base-name'] ?? '', platform: argv.platform ?? '', snapshotter: argv.snapshotter ?? '' } : { data: chunk as Buffer });
            first = false;
          }
          if (first) q.push({ data: new Uint8Array(0) });
          q.end();
        } catch (err) {
          q.fail(err);
        }
      })();
      try {
        for await (const p of c.transfer.import(q)) {
          view.update(p);
          if (p.status === 'done') names.push(p.imageName);
        }
      } finally {
        view.stop();
        await pump;
      }
      for (const n of names) out(n);
    }),
};
