// engine import [-c INSTRUCTION]… [-m MESSAGE] [--platform P] FILE|-|URL [REPOSITORY[:TAG]]
import * as fs from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { splitRepositoryTag } from '../../common/reference.js';

interface Args extends GlobalArgs {
  source: string;
  repository?: string;
  change: string[];
  message: string;
  platform?: string;
}

export const importCmd: CommandModule<GlobalArgs, Args> = {
  command: 'import <source> [repository]',
  describe: 'Import the contents from a tarball to create a filesystem image',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('source', { type: 'string', demandOption: true, describe: 'FILE, - (stdin) or an http(s) URL' })
      .positional('repository', { type: 'string', describe: 'REPOSITORY[:TAG]' })
      .option('change', { alias: 'c', type: 'string', array: true, default: [], describe: 'Apply Dockerfile instruction to the created image' })
      .option('message', { alias: 'm', type: 'string', default: '', describe: 'Set commit message for imported image' })
      .option('platform', { type: 'string', describe: 'Set platform if server is multi-platform capable' }) as unknown as Argv<Args>,
  handler: async (a) => {
    const target = a.repository ?? '';
    const split = splitRepositoryTag(target);
    const url = /^https?:\/\//.test(a.source);
    try {
      const stream = url ? undefined : a.source === '-' ? process.stdin : fs.createReadStream('', { fd: fs.openSync(a.source, 'r') });
      const res = await api(a).stream('POST', '/images/create', {
        query: { fromSrc: url ? a.source : '-', repo: split.repository, tag: split.tag, message: a.message, changes: a.change, platform: a.platform },
        ...(stream ? { stream } : {}),
      });
      let text = '';
      for await (const chunk of res) text += (chunk as Buffer).toString();
      for (const line of text.split('\n').filter(Boolean)) {
        const m = JSON.parse(line) as { status?: string; error?: string };
        if (m.error) throw new Error(m.error);
        if (m.status) process.stdout.write(`${m.status}\n`);
      }
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
