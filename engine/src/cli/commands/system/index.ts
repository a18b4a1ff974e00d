// engine system COMMAND
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../../context.js';
import { systemDf } from './df.js';
import { systemPrune } from './prune.js';
import { info } from '../info.js';
import { events } from '../events.js';

export const system: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'system <command>',
  describe: 'Manage the engine',
  builder: (y: Argv<GlobalArgs>) => y.command(systemDf).command(systemPrune).command(info).command(events).demandCommand(1) as Argv<GlobalArgs>,
  handler: () => undefined,
};
