// ctr-ts images import FILE|-: streams an OCI or Docker archive to the daemon.
import * as fs from 'node:fs';
import type { CommandModule } from 'yargs';
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
      const view = progressView(argv.plain);
      const names: string[] = [];
      const options = { skipUnpack: argv['skip-unpack'], baseName: argv['base-name'] ?? '', platform: argv.platform ?? '', snapshotter: argv.snapshotter ?? '' };
      // The first message carries the options; the archive follows chunk by chunk.
      async function* requests() {
        let first = true;
        for await (const chunk of input) {
          yield first ? { data: chunk as Buffer, ...options } : { data: chunk as Buffer };
          first = false;
        }
        if (first) yield { data: new Uint8Array(0), ...options };
      }
      try {
        for await (const p of c.transfer.import(requests())) {
          view.update(p);
          if (p.status === 'done') names.push(p.imageName);
        }
      } finally {
        view.stop();
      }
      for (const n of names) out(n);
    }),
};
