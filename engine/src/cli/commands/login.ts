// engine login [-u USER] [-p PASS | --password-stdin] [SERVER]: checked by the engine, kept in the
// CLI's credential file.
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { saveCredentials } from '../auth/credentials.js';
import { authKey } from '../../common/reference.js';

interface Args extends GlobalArgs {
  server?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  'password-stdin': boolean;
}

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of process.stdin as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts).toString('utf8').replace(/\r?\n$/, '');
}

export const login: CommandModule<GlobalArgs, Args> = {
  command: 'login [server]',
  describe: 'Log in to a registry',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('server', { type: 'string' })
      .option('username', { alias: 'u', type: 'string' })
      .option('password', { alias: 'p', type: 'string' })
      .option('password-stdin', { type: 'boolean', default: false }) as unknown as Argv<Args>,
  handler: async (a) => {
    const server = a.server ? a.server.replace(/^https?:\/\//, '').replace(/\/.*$/, '') : authKey('docker.io');
    const key = server === 'docker.io' || server === 'index.docker.io' ? authKey('docker.io') : server;
    try {
      if (!a.username) throw new Error('Error: Cannot perform an interactive login from a non TTY device; use --username');
      const password = a['password-stdin'] ? await readStdin() : (a.password ?? '');
      if (a.password !== undefined) process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
      await api(a).call('POST', '/auth', { body: { username: a.username, password, serveraddress: key } });
      saveCredentials(key, a.username, password);
      process.stdout.write('Login Succeeded\n');
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
