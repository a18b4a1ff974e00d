// engine image COMMAND (the management form; the plain verbs stay top-level)
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../../context.js';
import { imagePrune } from './prune.js';

export const image: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'image <command>',
  describe: 'Manage images',
  builder: (y: Argv<GlobalArgs>) => y.command(imagePrune).demandCommand(1) as Argv<GlobalArgs>,
  handler: () => undefined,
};
