// ctr-ts content fetch REF: fetches an image's content for this host's platform (or --platform) into
// the content store and records the image, without unpacking it (ctr's content fetch; the daemon does
// the registry work, as for images pull).
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../common.js';
import { pull, type PullArgs } from '../images/pull.js';

export const contentFetch: CommandModule<GlobalArgs, Omit<PullArgs, 'skip-unpack' | 'snapshotter'> & { snapshotter: undefined }> = {
  command: 'fetch <ref>',
  describe: 'fetch an image\'s content into the content store (no unpack)',
  builder: (y) =>
    y
      .positional('ref', { type: 'string', demandOption: true, describe: 'name[:tag|@digest], Docker defaults apply' })
      .option('platform', { type: 'string', describe: 'os/arch[/variant] (default: this host)' })
      .option('plain-http', { type: 'boolean', default: false, describe: 'use plain HTTP for this registry' })
      .option('user', { alias: 'u', type: 'string', describe: 'USER[:PASSWORD] for the registry' })
      .option('plain', { type: 'boolean', default: false, describe: 'one line per status change instead of bars' }) as never,
  handler: (argv) => pull({ ...argv, snapshotter: undefined }, true),
};
