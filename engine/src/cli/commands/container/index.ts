// engine container COMMAND (the management form; the plain verbs stay top-level)
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../../context.js';
import { containerPrune } from './prune.js';

export const container: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'container <command>',
  describe: 'Manage containers',
  builder: (y: Argv<GlobalArgs>) => y.command(containerPrune).demandCommand(1) as Argv<GlobalArgs>,
  handler: () => undefined,
};
