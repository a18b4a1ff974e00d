// engine network connect [--alias] [--ip] NETWORK CONTAINER, engine network disconnect [-f] NETWORK CONTAINER
import type { Argv, CommandModule } from 'yargs';
import { api, completing, exit, fail, type GlobalArgs } from '../../context.js';

interface Args extends GlobalArgs {
  network: string;
  container: string;
}

interface ConnectArgs extends Args {
  alias: string[];
  ip?: string | undefined;
}

interface DisconnectArgs extends Args {
  force: boolean;
}

// Optional for yargs so that completing the second word is not refused as too few arguments.
const positionals = (y: Argv<GlobalArgs>) => y.positional('network', { type: 'string' }).positional('container', { type: 'string' });

function usage(a: Args, verb: string): void {
  if ((a.network && a.container) || completing()) return;
  process.stderr.write(`engine: "network ${verb}" requires exactly 2 arguments: NETWORK CONTAINER\n`);
  exit(125);
}

export const networkConnect: CommandModule<GlobalArgs, ConnectArgs> = {
  command: 'connect [network] [container]',
  describe: 'Connect a container to a network',
  builder: (y) =>
    positionals(y as Argv<GlobalArgs>)
      .option('alias', { type: 'string', array: true, default: [], describe: 'network-scoped alias for the container' })
      .option('ip', { type: 'string', describe: 'IPv4 address' }) as unknown as Argv<ConnectArgs>,
  handler: async (a) => {
    usage(a, 'connect');
    try {
      await api(a).call('POST', `/networks/${encodeURIComponent(a.network)}/connect`, {
        body: { Container: a.container, EndpointConfig: { Aliases: a.alias.length ? a.alias : null, ...(a.ip ? { IPAMConfig: { IPv4Address: a.ip } } : {}) } },
      });
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};

export const networkDisconnect: CommandModule<GlobalArgs, DisconnectArgs> = {
  command: 'disconnect [network] [container]',
  describe: 'Disconnect a container from a network',
  builder: (y) => positionals(y as Argv<GlobalArgs>).option('force', { alias: 'f', type: 'boolean', default: false, describe: 'force the container to disconnect' }) as unknown as Argv<DisconnectArgs>,
  handler: async (a) => {
    usage(a, 'disconnect');
    try {
      await api(a).call('POST', `/networks/${encodeURIComponent(a.network)}/disconnect`, { body: { Container: a.container, Force: a.force } });
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
