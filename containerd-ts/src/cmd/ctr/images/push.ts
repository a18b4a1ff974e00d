// ctr-ts images push REMOTE [LOCAL]: ctr's order, the registry reference first and the local image
// (default: the same name) second.
import type { CommandModule } from 'yargs';
import { out, withClient, type GlobalArgs } from '../common.js';
import { progressView } from '../progress.js';
import { credentialsOf } from './pull.js';

interface Args extends GlobalArgs {
  remote: string;
  local: string | undefined;
  platform: string | undefined;
  'plain-http': boolean;
  user: string | undefined;
  plain: boolean;
}

export const imagesPush: CommandModule<GlobalArgs, Args> = {
  command: 'push <remote> [local]',
  describe: 'push an image to a remote',
  builder: (y) =>
    y
      .positional('remote', { type: 'string', demandOption: true, describe: 'the reference to push to' })
      .positional('local', { type: 'string', describe: 'the local image (default: the remote reference)' })
      .option('platform', { type: 'string', describe: 'push only this platform of an index' })
      .option('plain-http', { type: 'boolean', default: false, describe: 'allow connections using plain HTTP' })
      .option('user', { alias: 'u', type: 'string', describe: 'user[:password] registry user and password (password from $CTR_TS_PASSWORD when not given)' })
      .option('plain', { type: 'boolean', default: false }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const view = progressView(argv.plain);
      const req: Parameters<typeof c.transfer.push>[0] = { name: argv.local ?? argv.remote, reference: argv.remote, platform: argv.platform ?? '', plainHttp: argv['plain-http'] };
      const cred = credentialsOf(argv.user);
      if (cred) req.auth = cred;
      let done = '';
      try {
        for await (const p of c.transfer.push(req)) {
          view.update(p);
          if (p.status === 'done') done = `${p.id} ${p.target?.digest ?? ''}`;
        }
      } finally {
        view.stop();
      }
      out(done);
    }),
};
