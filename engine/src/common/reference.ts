// Image references as Docker reads them: `busybox` is docker.io/library/busybox:latest; a first
// component with a dot, a colon or "localhost" is a registry host.
export interface Reference {
  domain: string;
  /** Repository path without the domain, e.g. library/busybox. */
  path: string;
  tag?: string;
  digest?: string;
}

export const DEFAULT_DOMAIN = 'docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

export class ReferenceError extends Error {}

export function parseReference(input: string): Reference {
  if (!input || input !== input.trim()) throw new ReferenceError(`invalid reference format: ${JSON.stringify(input)}`);
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new ReferenceError(`invalid reference format: ${input}`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new ReferenceError(`invalid reference format: ${input}`);
  }
  const slash = rest.indexOf('/');
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      domain = first;
      path = rest.slice(slash + 1);
    }
  }
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  if (rest !== rest.toLowerCase() && path !== path.toLowerCase()) throw new ReferenceError(`invalid reference format: repository name must be lowercase`);
  if (!path || !path.split('/').every((c) => COMPONENT.test(c))) throw new ReferenceError(`invalid reference format: ${input}`);
  if (input.length > 255) throw new ReferenceError('invalid reference format: repository name must not be more than 255 characters');
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** With the default tag when neither a tag nor a digest is given. */
export function normalize(input: string): Reference {
  const r = parseReference(input);
  if (r.tag === undefined && r.digest === undefined) r.tag = 'latest';
  return r;
}

export function repository(r: Reference): string {
  return `${r.domain}/${r.path}`;
}

export function formatReference(r: Reference): string {
  return `${repository(r)}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

export function familiarRepository(r: Reference): string {
  if (r.domain !== DEFAULT_DOMAIN) return repository(r);
  return r.path.startsWith('library/') && r.path.split('/').length === 2 ? r.path.slice('library/'.length) : r.path;
}

export function familiarString(r: Reference): string {
  return `${familiarRepository(r)}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

/** `busybox` → docker.io/library/busybox:latest, as containerd-ts names stored images. */
export function normalizedName(input: string): string {
  return formatReference(normalize(input));
}

/** A stored name (docker.io/library/busybox:latest) the way users write it (busybox:latest). */
export function familiarName(stored: string): string {
  try {
    return familiarString(parseReference(stored));
  } catch {
    return stored;
  }
}

/** The registry host credentials are kept under (Docker keeps Hub's under its v1 index URL). */
export function authKey(domain: string): string {
  return domain === DEFAULT_DOMAIN ? 'https://index.docker.io/v1/' : domain;
}
