// engine images [-q] [--filter] [--format] [--no-trunc] [REPOSITORY[:TAG]]
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { ago, humanSize } from '../format/human.js';
import { printFormatted } from '../format/template.js';
import { filtersQuery } from './ps.js';
import { splitRepositoryTag } from '../../common/reference.js';

interface Args extends GlobalArgs {
  reference?: string | undefined;
  quiet: boolean;
  filter: string[];
  format?: string | undefined;
  'no-trunc': boolean;
  digests: boolean;
}

interface Summary {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: number;
  Size: number;
}

export const images: CommandModule<GlobalArgs, Args> = {
  command: 'images [reference]',
  describe: 'List images',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('reference', { type: 'string' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'only show image IDs' })
      .option('filter', { alias: 'f', type: 'string', array: true, default: [], describe: 'filter output (reference=, label=)' })
      .option('format', { type: 'string', describe: 'Go template, "table …" or "json"' })
      .option('digests', { type: 'boolean', default: false, describe: 'show digests' })
      .option('no-trunc', { type: 'boolean', default: false, describe: "don't truncate output" }) as unknown as Argv<Args>,
  handler: async (a) => {
    let list: Summary[];
    try {
      const filters = [...a.filter, ...(a.reference ? [`reference=${a.reference}`] : [])];
      list = await api(a).call<Summary[]>('GET', '/images/json', { query: { filters: filtersQuery(filters) } });
    } catch (err) {
      fail(err);
    }
    const id = (i: Summary) => (a['no-trunc'] ? i.Id : i.Id.replace(/^sha256:/, '').slice(0, 12));
    if (a.quiet) {
      for (const i of [...new Set(list.map(id))]) process.stdout.write(`${i}\n`);
      exit(0);
    }
    const rows = list.flatMap((i) =>
      (i.RepoTags.length ? i.RepoTags : ['<none>:<none>']).map((t) => {
        const { repository: repo, tag } = splitRepositoryTag(t);
        return {
          ID: id(i),
          Repository: repo,
          Tag: tag,
          Digest: i.RepoDigests.find((d) => d.startsWith(`${repo}@`))?.split('@')[1] ?? '<none>',
          CreatedSince: ago(i.Created),
          CreatedAt: new Date(i.Created * 1000).toISOString(),
          Size: humanSize(i.Size),
        };
      }),
    );
    const table = a.digests ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}' : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
    printFormatted(rows, a.format, table, { Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', Size: 'SIZE' });
    exit(0);
  },
};
