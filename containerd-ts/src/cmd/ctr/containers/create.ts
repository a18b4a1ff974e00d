// ctr-ts containers create [container flags] IMAGE ID [CMD…]: the record and snapshot `run` makes,
// without a task (start it with `tasks start`).
import type { CommandModule } from 'yargs';
import { newContainer } from '../../../client/new-container.js';
import { commandTail } from '../command-tail.js';
import { containerOptions, withContainerFlags, type ContainerFlags } from '../container-flags.js';
import { withClient, type GlobalArgs } from '../common.js';

interface CreateArgs extends GlobalArgs, ContainerFlags {
  image: string;
  id: string;
}

export const containersCreate: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create <image> <id> [command..]',
  describe: 'create a container from an image',
  builder: (y) => withContainerFlags(y).positional('image', { type: 'string', demandOption: true }).positional('id', { type: 'string', demandOption: true }) as never,
  handler: (argv) =>
    withClient(argv, async (c) => {
      await (await newContainer(c, containerOptions(argv, argv.image, argv.id, commandTail()))).leaseReleased;
    }),
};
