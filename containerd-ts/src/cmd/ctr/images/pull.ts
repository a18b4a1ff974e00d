// ctr-ts images pull REF: a server-side pull with per-layer progress.
import type { CommandModule } from 'yargs';
import { out, withClient, type GlobalArgs } from '../common.js';
import { progressView } from '../progress.js';

export interface PullArgs extends GlobalArgs {
  ref: string;
  platform: string | undefined;
  'plain-http': boolean;
  'skip-unpack': boolean;
  snapshotter: string | undefined;
  user: string | undefined;
  plain: boolean;
}

export function credentialsOf(user: string | undefined): { username: string; password: string } | undefined {
  if (!user) return undefined;
  const i = user.indexOf(':');
  return i < 0 ? { username: user, password: process.env['CTR_TS_PASSWORD'] ?? '' } : { username: user.slice(0, i), password: user.slice(i + 1) };
}

export const imagesPull: CommandModule<GlobalArgs, PullArgs> = {
  command: 'pull <ref>',
  describe: 'pull an image from a registry and unpack it',
  builder: (y) =>
    y
      .positional('ref', { type: 'string', demandOption: true, describe: 'name[:tag|@digest], Docker defaults apply' })
      .option('platform', { type: 'string', describe: 'os/arch[/variant] (default: this host)' })
      .option('plain-http', { type: 'boolean', default: false, describe: 'use plain HTTP for this registry' })
      .option('skip-unpack', { type: 'boolean', default: false })
      .option('snapshotter', { type: 'string' })
      .option('user', { alias: 'u', type: 'string', describe: 'USER[:PASSWORD] for the registry' })
      .option('plain', { type: 'boolean', default: false, describe: 'one line per status change instead of bars' }),
  handler: (argv) => pull(argv, argv['skip-unpack']),
};

/** A server-side pull (unpacked unless skipUnpack) with progress; prints the stored name and digest. */
export function pull(argv: Omit<PullArgs, 'skip-unpack'>, skipUnpack: boolean): Promise<void> {
  return withClient(argv, async (c) => {
    const view = progressView(argv.plain);
    const req: Parameters<typeof c.transfer.pull>[0] = { reference: argv.ref, platform: argv.platform ?? '', plainHttp: argv['plain-http'], skipUnpack, snapshotter: argv.snapshotter ?? '' };
    const cred = credentialsOf(argv.user);
    if (cred) req.auth = cred;
    let done = '';
    try {
      for await (const p of c.transfer.pull(req)) {
        view.update(p);
        if (p.status === 'done') done = `${p.imageName} ${p.target?.digest ?? ''}`;
      }
    } finally {
      view.stop();
    }
    out(done);
  });
}
