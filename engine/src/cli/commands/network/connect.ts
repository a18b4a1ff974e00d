// engine network connect [--alias] [--ip] NETWORK CONTAINER, engine network disconnect [-f] NETWORK CONTAINER
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../../context.js';

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

const positionals = (y: Argv<GlobalArgs>) => y.positional('network', { type: 'string', demandOption: true }).positional('container', { type: 'string', demandOption: true });

export const networkConnect: CommandModule<GlobalArgs, ConnectArgs> = {
  command: 'connect <network> <container>',
  describe: 'Connect a container to a network',
  builder: (y) =>
    positionals(y as Argv<GlobalArgs>)
      .option('alias', { type: 'string', array: true, default: [], describe: 'network-scoped alias for the container' })
      .option('ip', { type: 'string', describe: 'IPv4 address' }) as unknown as Argv<ConnectArgs>,
  handler: async (a) => {
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
  command: 'disconnect <network> <container>',
  describe: 'Disconnect a container from a network',
  builder: (y) => positionals(y as Argv<GlobalArgs>).option('force', { alias: 'f', type: 'boolean', default: false, describe: 'force the container to disconnect' }) as unknown as Argv<DisconnectArgs>,
  handler: async (a) => {
    try {
      await api(a).call('POST', `/networks/${encodeURIComponent(a.network)}/disconnect`, { body: { Container: a.container, Force: a.force } });
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
