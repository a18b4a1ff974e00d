// engine volume COMMAND
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../../context.js';
import { volumeCreate } from './create.js';
import { volumeInspect } from './inspect.js';
import { volumeLs } from './ls.js';
import { volumePrune } from './prune.js';
import { volumeRm } from './rm.js';

export const volume: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'volume <command>',
  describe: 'Manage volumes',
  builder: (y: Argv<GlobalArgs>) => y.command(volumeCreate).command(volumeLs).command(volumeInspect).command(volumeRm).command(volumePrune).demandCommand(1) as Argv<GlobalArgs>,
  handler: () => undefined,
};
