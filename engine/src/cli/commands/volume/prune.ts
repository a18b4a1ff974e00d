// engine volume prune [-f]
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../../context.js';
import { humanSize } from '../../format/human.js';

interface Args extends GlobalArgs {
  force: boolean;
}

export const volumePrune: CommandModule<GlobalArgs, Args> = {
  command: 'prune',
  describe: 'Remove all unused local volumes',
  builder: (y) => (y as Argv<GlobalArgs>).option('force', { alias: 'f', type: 'boolean', default: false, describe: 'do not prompt for confirmation' }) as unknown as Argv<Args>,
  handler: async (a) => {
    if (!a.force && process.stdin.isTTY) {
      process.stdout.write('WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ');
      const answer = await new Promise<string>((resolve) => process.stdin.once('data', (d: Buffer) => resolve(d.toString().trim())));
      if (!/^y(es)?$/i.test(answer)) exit(0);
    }
    try {
      const r = await api(a).call<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune');
      if (r.VolumesDeleted?.length) process.stdout.write(`Deleted Volumes:\n${r.VolumesDeleted.join('\n')}\n\n`);
      process.stdout.write(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
