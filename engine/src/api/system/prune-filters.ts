// The filters every prune endpoint shares, with dockerd's rules: `until` (a timestamp or a Go
// duration before now) and `label` / `label!` (key or key=value), anything else refused.
import { parseGoDuration } from '../../common/go-duration.js';
import { ApiError, badRequest } from '../../daemon/http/api-error.js';

export interface PruneFilters {
  /** Only what was created before this (ms since the epoch). */
  until: number | undefined;
  matchLabels(labels: Record<string, string>): boolean;
}

/** A point in time as dockerd's filters take it: a duration before `now`, unix seconds, or an RFC 3339-ish date. */
export function parseTimeFilter(v: string, now = Date.now()): number {
  const d = parseGoDuration(v);
  if (d !== undefined) return now - d;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) {
    const t = Date.parse(v.replace(' ', 'T'));
    if (!Number.isNaN(t)) return t;
  }
  throw new ApiError(500, `failed to parse value as time or duration: ${JSON.stringify(v)}`);
}

function hasLabel(labels: Record<string, string>, spec: string): boolean {
  const eq = spec.indexOf('=');
  if (eq < 0) return spec in labels;
  return labels[spec.slice(0, eq)] === spec.slice(eq + 1);
}

export function pruneFilters(filters: Map<string, string[]>, allowed: readonly string[] = ['until', 'label', 'label!']): PruneFilters {
  for (const k of filters.keys()) if (!allowed.includes(k)) throw badRequest(`Invalid filter '${k}'`);
  const untils = filters.get('until') ?? [];
  if (untils.length > 1) throw badRequest('more than one until filter specified');
  const until = untils[0] === undefined ? undefined : parseTimeFilter(untils[0]);
  const want = filters.get('label') ?? [];
  const reject = filters.get('label!') ?? [];
  return {
    until,
    matchLabels: (labels) => want.every((l) => hasLabel(labels, l)) && !reject.some((l) => hasLabel(labels, l)),
  };
}
