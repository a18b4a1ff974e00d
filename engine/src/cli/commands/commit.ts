// engine commit [-a AUTHOR] [-c INSTRUCTION]… [-m MESSAGE] [-p=false] CONTAINER [REPOSITORY[:TAG]]
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { splitRepositoryTag } from '../../common/reference.js';

interface Args extends GlobalArgs {
  container: string;
  repository?: string;
  author: string;
  change: string[];
  message: string;
  pause: boolean;
}

export const commit: CommandModule<GlobalArgs, Args> = {
  command: 'commit <container> [repository]',
  describe: "Create a new image from a container's changes",
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('container', { type: 'string', demandOption: true })
      .positional('repository', { type: 'string', describe: 'REPOSITORY[:TAG]' })
      .option('author', { alias: 'a', type: 'string', default: '', describe: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' })
      .option('change', { alias: 'c', type: 'string', array: true, default: [], describe: 'Apply Dockerfile instruction to the created image' })
      .option('message', { alias: 'm', type: 'string', default: '', describe: 'Commit message' })
      .option('pause', { alias: 'p', type: 'boolean', default: true, describe: 'Pause container during commit' }) as unknown as Argv<Args>,
  handler: async (a) => {
    const target = a.repository ?? '';
    const split = splitRepositoryTag(target);
    try {
      const r = await api(a).call<{ Id: string }>('POST', '/commit', {
        query: {
          container: a.container,
          repo: split.repository,
          tag: split.tag,
          author: a.author,
          comment: a.message,
          pause: a.pause ? '1' : '0',
          changes: a.change,
        },
      });
      process.stdout.write(`${r.Id}\n`);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
