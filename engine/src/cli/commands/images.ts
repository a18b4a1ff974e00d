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

export interface Summary {
  Id: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
}

export interface Row {
  repo: string;
  tag: string;
  digest: string;
}

const splitDigest = (s: string): [string, string] => {
  const i = s.indexOf('@');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
};

/**
 * docker's rows for one image: one per tag (each of its repository's digests with --digests), then
 * one per repository known only by digest (tag <none>); <none> everywhere for an image with no name.
 */
export function imageRows(i: Summary, digests: boolean): Row[] {
  const tags = i.RepoTags ?? [];
  const dgsts = i.RepoDigests ?? [];
  if (tags.length === 0 && dgsts.length === 0) return [{ repo: '<none>', tag: '<none>', digest: '<none>' }];
  if (tags.length === 1 && tags[0] === '<none>:<none>' && dgsts.length === 1 && dgsts[0] === '<none>@<none>') return [{ repo: '<none>', tag: '<none>', digest: '<none>' }];
  const byRepoTags = new Map<string, string[]>();
  for (const t of tags) {
    const { repository: repo, tag } = splitRepositoryTag(t);
    if (repo === '<none>') continue;
    byRepoTags.set(repo, [...(byRepoTags.get(repo) ?? []), tag]);
  }
  const byRepoDigests = new Map<string, string[]>();
  for (const d of dgsts) {
    const [repo, digest] = splitDigest(d);
    if (repo === '<none>') continue;
    byRepoDigests.set(repo, [...(byRepoDigests.get(repo) ?? []), digest]);
  }
  const rows: Row[] = [];
  for (const [repo, repoTags] of byRepoTags) {
    const ds = digests ? (byRepoDigests.get(repo) ?? []) : [];
    byRepoDigests.delete(repo);
    for (const tag of repoTags) {
      if (ds.length === 0) rows.push({ repo, tag, digest: '<none>' });
      for (const digest of ds) rows.push({ repo, tag, digest });
    }
  }
  for (const [repo, ds] of byRepoDigests) {
    if (digests) for (const digest of ds) rows.push({ repo, tag: '<none>', digest });
    // docker leaves the digest empty here (not <none>) when not asked for digests.
    else rows.push({ repo, tag: '<none>', digest: '' });
  }
  return rows;
}

export const images: CommandModule<GlobalArgs, Args> = {
  command: 'images [reference]',
  describe: 'List images',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('reference', { type: 'string' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'only show image IDs' })
      .option('filter', { alias: 'f', type: 'string', array: true, default: [], describe: 'filter output (dangling=true|false, reference=, label=, before=, since=)' })
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
      imageRows(i, a.digests).map((r) => ({
        ID: id(i),
        Repository: r.repo,
        Tag: r.tag,
        Digest: r.digest,
        CreatedSince: ago(i.Created),
        CreatedAt: new Date(i.Created * 1000).toISOString(),
        Size: humanSize(i.Size),
      })),
    );
    const table = a.digests ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}' : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
    printFormatted(rows, a.format, table, { Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', Size: 'SIZE' });
    exit(0);
  },
};
