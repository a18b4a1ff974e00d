// engine network COMMAND
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../../context.js';
import { networkConnect, networkDisconnect } from './connect.js';
import { networkCreate } from './create.js';
import { networkInspect } from './inspect.js';
import { networkLs } from './ls.js';
import { networkPrune } from './prune.js';
import { networkRm } from './rm.js';

export const network: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'network <command>',
  describe: 'Manage networks',
  builder: (y: Argv<GlobalArgs>) =>
    y.command(networkCreate).command(networkLs).command(networkInspect).command(networkRm).command(networkConnect).command(networkDisconnect).command(networkPrune).demandCommand(1) as Argv<GlobalArgs>,
  handler: () => undefined,
};
