// The filters of GET /images/json as dockerd 20.10 applies them: which images are listed, and under
// which of their names. `reference` patterns are Go path.Match globs tried against each name's
// familiar form and its repository alone; `dangling=true` keeps images with no tag (a digest name
// alone does not make an image tagged), `dangling=false` those with any name; `before`/`since` compare
// creation times with a named image's; `label` entries (KEY or KEY=VALUE) must all match.
import { badRequest } from '../../daemon/http/api-error.js';

export const IMAGE_LIST_FILTERS = ['reference', 'dangling', 'label', 'before', 'since'] as const;

export interface ImageListFilters {
  /** true: untagged images only; false: images with a name only; undefined: every image. */
  dangling: boolean | undefined;
  references: string[] | undefined;
  labels: string[];
  before: Date | undefined;
  since: Date | undefined;
}

/** Checks the keys and values (`resolveCreated` finds the image a before=/since= names, or throws). */
export async function imageListFilters(filters: Map<string, string[]>, resolveCreated: (name: string) => Promise<Date>): Promise<ImageListFilters> {
  for (const k of filters.keys()) if (!(IMAGE_LIST_FILTERS as readonly string[]).includes(k)) throw badRequest(`Invalid filter '${k}'`);
  let dangling: boolean | undefined;
  const d = filters.get('dangling');
  if (d) {
    if (d.includes('true')) dangling = true;
    else if (d.includes('false')) dangling = false;
    // Go's %s of the value list.
    else throw badRequest(`Invalid filter 'dangling=[${d.join(' ')}]'`);
  }
  // dockerd resolves each value and keeps the last.
  let before: Date | undefined;
  for (const v of filters.get('before') ?? []) before = await resolveCreated(v);
  let since: Date | undefined;
  for (const v of filters.get('since') ?? []) since = await resolveCreated(v);
  for (const p of filters.get('reference') ?? []) checkPattern(p);
  return { dangling, references: filters.get('reference'), labels: filters.get('label') ?? [], before, since };
}

/** Whether an image's creation time and config labels pass the filters (names are seen to apart). */
export function imagePasses(f: ImageListFilters, created: Date, labels: Record<string, string> | null): boolean {
  if (f.before && created.getTime() >= f.before.getTime()) return false;
  if (f.since && created.getTime() <= f.since.getTime()) return false;
  if (f.labels.length) {
    if (!labels || Object.keys(labels).length === 0) return false;
    for (const l of f.labels) {
      const i = l.indexOf('=');
      const key = i < 0 ? l : l.slice(0, i);
      if (!(key in labels)) return false;
      if (i >= 0 && labels[key] !== l.slice(i + 1)) return false;
    }
  }
  return true;
}

/**
 * The names an image is listed under (familiar tags and `repo@digest`s that pass reference=), or
 * undefined when the image is not listed at all.
 */
export function listedNames(f: ImageListFilters, tags: string[], digests: string[]): { tags: string[]; digests: string[] } | undefined {
  const keep = (name: string) => f.references === undefined || f.references.some((p) => referenceMatch(p, name));
  const t = tags.filter(keep);
  const d = digests.filter(keep);
  if (t.length === 0 && d.length === 0) {
    // An image with no name at all: dangling, unless the filters asked for names.
    if (f.dangling === false || f.references !== undefined) return undefined;
    return { tags: [], digests: [] };
  }
  if (f.dangling === true && t.length > 0) return undefined;
  return { tags: t, digests: d };
}

/** reference.FamiliarMatch: the familiar name with its tag or digest, else the repository alone. */
export function referenceMatch(pattern: string, familiar: string): boolean {
  if (pathMatch(pattern, familiar)) return true;
  const repo = familiar.replace(/@.*$/, '').replace(/:[^:/]*$/, '');
  return pathMatch(pattern, repo);
}

function checkPattern(pattern: string): void {
  try {
    pathMatch(pattern, '');
  } catch {
    throw badRequest(`syntax error in pattern`);
  }
}

/**
 * Go's path.Match: `*` any run of non-`/` characters, `?` one non-`/` character, `[…]` a class
 * (`^` negates, `a-z` ranges), `\` escapes. Throws on a malformed pattern, as Go returns ErrBadPattern.
 */
export function pathMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${globToRegExp(pattern)}$`, 'su');
  return re.test(name);
}

function globToRegExp(p: string): string {
  let out = '';
  let i = 0;
  // One class character: `\` escapes; a bare `-` or `]` where a character belongs is malformed.
  const classChar = (): string => {
    let c = p[i];
    if (c === undefined || c === '-' || c === ']') throw new Error('bad pattern');
    if (c === '\\') {
      i++;
      c = p[i];
      if (c === undefined) throw new Error('bad pattern');
    }
    i++;
    return c;
  };
  while (i < p.length) {
    const ch = p[i]!;
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '\\') {
      const next = p[i + 1];
      if (next === undefined) throw new Error('bad pattern');
      out += escapeRe(next);
      i++;
    } else if (ch === '[') {
      i++;
      const negate = p[i] === '^';
      if (negate) i++;
      const ranges: string[] = [];
      for (;;) {
        if (p[i] === ']' && ranges.length > 0) break;
        const lo = classChar();
        let hi = lo;
        if (p[i] === '-') {
          i++;
          hi = classChar();
        }
        if (hi < lo) throw new Error('bad pattern');
        ranges.push(lo === hi ? escapeClass(lo) : `${escapeClass(lo)}-${escapeClass(hi)}`);
      }
      // A class never matches the separator.
      out += negate ? `[^${ranges.join('')}/]` : `(?!/)[${ranges.join('')}]`;
    } else out += escapeRe(ch);
    i++;
  }
  return out;
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

function escapeClass(c: string): string {
  return /[\]\\^-]/.test(c) ? `\\${c}` : c;
}
