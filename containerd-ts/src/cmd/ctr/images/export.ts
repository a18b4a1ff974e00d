// ctr-ts images export FILE|- NAME…: an OCI archive (with Docker's manifest.json).
import * as fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { withClient, type GlobalArgs } from '../common.js';
import { findImageName } from './resolve-name.js';

export const imagesExport: CommandModule<GlobalArgs, GlobalArgs & { file: string; names: string[]; platform: string | undefined; 'all-platforms': boolean }> = {
  command: 'export <file> <names..>',
  describe: 'export images to an archive ("-" for stdout)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true })
      .positional('names', { type: 'string', array: true, demandOption: true })
      .option('platform', { type: 'string' })
      .option('all-platforms', { type: 'boolean', default: false }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const names: string[] = [];
      for (const n of argv.names) names.push(await findImageName(c, n));
      const tmp = argv.file === '-' ? undefined : `${argv.file}.partial`;
      const dest = tmp ? fs.createWriteStream(tmp) : process.stdout;
      try {
        for await (const chunk of c.transfer.export({ names, platform: argv.platform ?? '', allPlatforms: argv['all-platforms'] })) {
          if (!dest.write(chunk.data)) await new Promise<void>((r) => dest.once('drain', () => r()));
        }
        if (tmp) {
          await new Promise<void>((resolve, reject) => (dest as fs.WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve())));
          fs.renameSync(tmp, argv.file);
        }
      } catch (err) {
        if (tmp) {
          (dest as fs.WriteStream).destroy();
          fs.rmSync(tmp, { force: true });
        }
        throw err;
      }
    }),
};
