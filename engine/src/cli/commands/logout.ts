// engine logout [SERVER]
import type { Argv, CommandModule } from 'yargs';
import { exit, type GlobalArgs } from '../context.js';
import { removeCredentials } from '../auth/credentials.js';
import { authKey } from '../../common/reference.js';

interface Args extends GlobalArgs {
  server?: string | undefined;
}

export const logout: CommandModule<GlobalArgs, Args> = {
  command: 'logout [server]',
  describe: 'Log out from a registry',
  builder: (y) => (y as Argv<GlobalArgs>).positional('server', { type: 'string' }) as unknown as Argv<Args>,
  handler: (a) => {
    const server = a.server ? a.server.replace(/^https?:\/\//, '').replace(/\/.*$/, '') : authKey('docker.io');
    const key = server === 'docker.io' || server === 'index.docker.io' ? authKey('docker.io') : server;
    if (removeCredentials(key)) process.stdout.write(`Removing login credentials for ${key}\n`);
    else process.stdout.write(`Not logged in to ${key}\n`);
    exit(0);
  },
};
