// engine create: a container that is not started.
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { createContainer } from '../container-create.js';
import { containerOptions, createBody, UsageError, type ContainerArgs } from '../options/container-options.js';

export const create: CommandModule<GlobalArgs, GlobalArgs & ContainerArgs> = {
  command: 'create <image> [command..]',
  describe: 'Create a new container',
  builder: (y) => containerOptions(y as Argv<GlobalArgs>),
  handler: async (args) => {
    try {
      const id = await createContainer(api(args), createBody(args, false), args.name);
      process.stdout.write(`${id}\n`);
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`engine: ${err.sentence}\n`);
        exit(125);
      }
      // docker create (20.10) reports daemon errors plainly, exit status 1; only run uses 125.
      fail(err);
    }
    exit(0);
  },
};
