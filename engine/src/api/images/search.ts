// GET /images/search?term&limit&filters: Docker Hub's v1 search for plain terms; for a term that
// names a registry host (127.0.0.1:5000/bu), that registry's /v2/_catalog filtered by the rest of
// the term (registries of the distribution API have no search of their own). A registry that cannot
// be reached is a 500 with the request and the cause, as dockerd words it.
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { ApiError, badRequest } from '../../daemon/http/api-error.js';
import { decodeRegistryAuth } from '../../daemon/images/registry-auth.js';
import { get, plainHttp, registryGet } from './registry-client.js';

interface SearchResult {
  star_count: number;
  is_official: boolean;
  name: string;
  is_automated: boolean;
  description: string;
}

const HUB_SEARCH = 'https://index.docker.io/v1/search';

/** docker's rule: the first component is a registry host when it has a dot or a port, or is localhost. */
export function splitSearchTerm(term: string): { host: string | undefined; query: string } {
  const slash = term.indexOf('/');
  if (slash < 0) return { host: undefined, query: term };
  const first = term.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') return { host: first, query: term.slice(slash + 1) };
  return { host: undefined, query: term };
}

function checkFilters(filters: Map<string, string[]>): void {
  for (const k of filters.keys()) if (!['is-automated', 'is-official', 'stars'].includes(k)) throw badRequest(`Invalid filter '${k}'`);
  for (const k of ['is-automated', 'is-official']) for (const v of filters.get(k) ?? []) if (v !== 'true' && v !== 'false') throw badRequest(`Invalid filter '${k}=${v}'`);
  for (const v of filters.get('stars') ?? []) if (!/^\d+$/.test(v)) throw badRequest(`Invalid filter 'stars=${v}'`);
}

function applyFilters(results: SearchResult[], filters: Map<string, string[]>): SearchResult[] {
  let out = results;
  for (const [k, field] of [['is-automated', 'is_automated'], ['is-official', 'is_official']] as const) {
    const v = filters.get(k)?.[0];
    if (v === undefined) continue;
    out = out.filter((r) => r[field] === (v === 'true'));
  }
  for (const v of filters.get('stars') ?? []) out = out.filter((r) => r.star_count >= Number(v));
  return out;
}

export function register(r: Router, e: Engine): void {
  r.get('/images/search', async (ctx) => {
    const term = ctx.query.get('term') ?? '';
    const limit = ctx.int('limit') ?? 25;
    if (limit < 1 || limit > 100) throw badRequest(`Limit ${limit} is outside the range of [1, 100]`);
    const filters = ctx.filters();
    // Checked before any registry is asked.
    checkFilters(filters);
    const auth = decodeRegistryAuth(ctx.req.headers['x-registry-auth']);
    const { host, query } = splitSearchTerm(term);
    let results: SearchResult[];
    if (host === undefined || host === 'docker.io' || host === 'index.docker.io') {
      const url = `${HUB_SEARCH}?q=${encodeURIComponent(query)}&n=${limit}`;
      const res = await get(url, {});
      if (!res.ok) throw new ApiError(500, `Unexpected status code ${res.status}`);
      results = ((await res.json()) as { results?: SearchResult[] }).results ?? [];
    } else {
      const url = `${plainHttp(host, e.config.insecureRegistries) ? 'http' : 'https'}://${host}/v2/_catalog?n=1000`;
      const res = await registryGet(url, auth, 'registry:catalog:*');
      if (res.status === 401) throw new ApiError(401, `unauthorized: authentication required to list ${host}`);
      if (!res.ok) throw new ApiError(500, `Unexpected status code ${res.status} from ${url}`);
      const repos = ((await res.json()) as { repositories?: string[] }).repositories ?? [];
      results = repos.filter((n) => n.includes(query)).map((n) => ({ star_count: 0, is_official: false, name: `${host}/${n}`, is_automated: false, description: '' }));
    }
    ctx.sendJson(200, applyFilters(results, filters).slice(0, limit));
  });
}
