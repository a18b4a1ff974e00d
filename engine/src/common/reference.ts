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
// The grammar of Docker's reference package (distribution 2.7, as dockerd 20.10 vendors it).
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const HEX64 = /^[a-f0-9]{64}$/;
const NAME_MAX = 255;

/** A reference Docker's parser refuses; the message is the one dockerd answers with. */
export class ReferenceError extends Error {}

export const INVALID_FORMAT = 'invalid reference format';

/** The first path component names a registry when it has a dot or a port, or is localhost. */
function splitDomain(name: string): { domain: string; remainder: string } {
  const i = name.indexOf('/');
  if (i === -1) return { domain: DEFAULT_DOMAIN, remainder: name };
  const first = name.slice(0, i);
  if (!/[.:]/.test(first) && first !== 'localhost') return { domain: DEFAULT_DOMAIN, remainder: name };
  return { domain: first === 'index.docker.io' ? DEFAULT_DOMAIN : first, remainder: name.slice(i + 1) };
}

/**
 * Docker's ParseNormalizedNamed: `busybox` is docker.io/library/busybox; the tag stays unset. The one
 * parser for every image name the engine takes (create, pull, push, tag, commit, import, rmi, CLI).
 */
export function parseReference(input: string): Reference {
  if (input === '') throw new ReferenceError(INVALID_FORMAT);
  if (HEX64.test(input)) throw new ReferenceError(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  const { domain, remainder } = splitDomain(input);
  const colon = remainder.indexOf(':');
  const remoteName = colon >= 0 ? remainder.slice(0, colon) : remainder;
  if (remoteName.toLowerCase() !== remoteName) throw new ReferenceError(`${INVALID_FORMAT}: repository name must be lowercase`);
  let rest = remainder;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new ReferenceError(INVALID_FORMAT);
  }
  let tag: string | undefined;
  const tagAt = rest.lastIndexOf(':');
  if (tagAt > rest.lastIndexOf('/')) {
    tag = rest.slice(tagAt + 1);
    rest = rest.slice(0, tagAt);
    if (!TAG.test(tag)) throw new ReferenceError(INVALID_FORMAT);
  }
  if (!DOMAIN.test(domain) || !rest || !rest.split('/').every((c) => COMPONENT.test(c))) throw new ReferenceError(INVALID_FORMAT);
  const path = domain === DEFAULT_DOMAIN && !rest.includes('/') ? `library/${rest}` : rest;
  if (domain.length + 1 + rest.length > NAME_MAX) throw new ReferenceError(`repository name must not be more than ${NAME_MAX} characters`);
  if (digest !== undefined) {
    const [algorithm, hex = ''] = digest.split(':');
    if (algorithm === 'sha256' && hex.length !== 64) throw new ReferenceError('invalid checksum digest length');
    if (algorithm !== 'sha256' && algorithm !== 'sha384' && algorithm !== 'sha512') throw new ReferenceError('unsupported digest algorithm');
  }
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** A tag given apart from its repository (`docker tag`'s and the API's `tag` parameter). */
export function checkTag(tag: string): void {
  if (!TAG.test(tag)) throw new ReferenceError('invalid tag format');
}

/** REPOSITORY[:TAG] as the CLI splits it: the tag is after the last colon that follows the last slash. */
export function splitRepositoryTag(input: string): { repository: string; tag: string } {
  const cut = input.lastIndexOf(':');
  return cut > input.lastIndexOf('/') ? { repository: input.slice(0, cut), tag: input.slice(cut + 1) } : { repository: input, tag: '' };
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
