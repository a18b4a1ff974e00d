// engine create: a container that is not started.
import type { Argv, CommandModule } from 'yargs';
import { DaemonUnreachableError, isConnectionError } from '../api-client.js';
import { api, exit, fail, reportError, type GlobalArgs } from '../context.js';
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
        process.stderr.write(`engine: ${err.message}.\n`);
        exit(125);
      }
      if (isConnectionError(err) || err instanceof DaemonUnreachableError) fail(err);
      reportError('create', err, true);
      exit(125);
    }
    exit(0);
  },
};
