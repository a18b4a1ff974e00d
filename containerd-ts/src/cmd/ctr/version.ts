// ctr-ts version: client and server versions.
import type { CommandModule } from 'yargs';
import { VERSION } from '../../version.js';
import { json, out, withClient, type GlobalArgs } from './common.js';

export const versionCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'version',
  describe: 'print the client and server versions',
  handler: (argv) =>
    withClient(argv, async (c) => {
      const v = await c.version.version({});
      const s = await c.introspection.server({});
      if (argv.format === 'json') out(json({ client: { version: VERSION }, server: { version: v.version, revision: v.revision, uuid: s.uuid } }));
      else out(`Client:\n  Version:  ${VERSION}\n\nServer:\n  Version:  ${v.version}\n  Revision: ${v.revision}\n  UUID: ${s.uuid}`);
    }),
};
