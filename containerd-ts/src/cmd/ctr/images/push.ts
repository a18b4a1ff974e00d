// ctr-ts images push NAME [REMOTE]
import type { CommandModule } from 'yargs';
import { out, withClient, type GlobalArgs } from '../common.js';
import { progressView } from '../progress.js';
import { credentialsOf } from './pull.js';

interface Args extends GlobalArgs {
  name: string;
  remote: string | undefined;
  platform: string | undefined;
  'plain-http': boolean;
  user: string | undefined;
  plain: boolean;
}

export const imagesPush: CommandModule<GlobalArgs, Args> = {
  command: 'push <name> [remote]',
  describe: 'push an image to a registry',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .positional('remote', { type: 'string', describe: 'target reference (default: the image name)' })
      .option('platform', { type: 'string' })
      .option('plain-http', { type: 'boolean', default: false })
      .option('user', { alias: 'u', type: 'string' })
      .option('plain', { type: 'boolean', default: false }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const view = progressView(argv.plain);
      const req: Parameters<typeof c.transfer.push>[0] = { name: argv.name, reference: argv.remote ?? '', platform: argv.platform ?? '', plainHttp: argv['plain-http'] };
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
