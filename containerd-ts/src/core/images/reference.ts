// Image references with Docker's defaults: `busybox` is `docker.io/library/busybox:latest`.
// Grammar after the distribution project's reference package: [domain/]path[:tag][@digest].
import { invalidArgument } from '../errdefs.js';
import { isDigest, type Digest } from '../digest.js';

export const DEFAULT_DOMAIN = 'docker.io';
export const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
export const OFFICIAL_REPO_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';

export interface Reference {
  /** Registry host[:port], e.g. `docker.io` or `127.0.0.1:5000`. */
  domain: string;
  /** Repository path inside the registry, e.g. `library/busybox`. */
  path: string;
  tag?: string;
  digest?: Digest;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const MAX_NAME = 255;

function isDomain(s: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:]+)(?::(\d+))?$/.exec(s);
  if (!m) return false;
  const host = m[1] as string;
  if (host.startsWith('[')) return true;
  return host.split('.').every((c) => DOMAIN_COMPONENT.test(c));
}

/** True when the first path component names a registry rather than a Docker Hub user. */
function looksLikeDomain(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
}

/** Parses a reference, filling in Docker Hub and `library/` defaults (the tag stays unset). */
export function parseReference(input: string): Reference {
  const bad = (why: string) => invalidArgument(`invalid reference ${JSON.stringify(input)}: ${why}`);
  if (input === '') throw bad('empty');
  let rest = input;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!isDigest(d)) throw bad('the digest must be sha256:<64 lowercase hex>');
    digest = d;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`invalid tag ${JSON.stringify(tag)}`);
  }
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0 && looksLikeDomain(rest.slice(0, slash))) {
    domain = rest.slice(0, slash);
    path = rest.slice(slash + 1);
    if (!isDomain(domain)) throw bad(`invalid registry host ${JSON.stringify(domain)}`);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (path === '') throw bad('empty repository name');
  if (path !== path.toLowerCase()) throw bad('repository name must be lowercase');
  for (const c of path.split('/')) {
    if (!PATH_COMPONENT.test(c)) throw bad(`invalid repository name component ${JSON.stringify(c)}`);
  }
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_REPO_PREFIX + path;
  if (domain.length + 1 + path.length > MAX_NAME) throw bad(`name longer than ${MAX_NAME} characters`);
  const ref: Reference = { domain, path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** Parses and adds `:latest` when neither tag nor digest is given. */
export function parseNormalized(input: string): Reference {
  const ref = parseReference(input);
  if (ref.tag === undefined && ref.digest === undefined) ref.tag = DEFAULT_TAG;
  return ref;
}

export function repositoryName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The full string form, e.g. `docker.io/library/busybox:latest` or `…@sha256:…`. */
export function formatReference(ref: Reference): string {
  let s = repositoryName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** Docker's short form for display: `busybox:latest` for official images. */
export function familiarName(ref: Reference): string {
  let name = repositoryName(ref);
  if (ref.domain === DEFAULT_DOMAIN) {
    name = ref.path.startsWith(OFFICIAL_REPO_PREFIX) ? ref.path.slice(OFFICIAL_REPO_PREFIX.length) : ref.path;
  }
  if (ref.tag !== undefined) name += `:${ref.tag}`;
  if (ref.digest !== undefined) name += `@${ref.digest}`;
  return name;
}

/** What to ask the registry for: the digest when pinned, else the tag. */
export function objectOf(ref: Reference): string {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG;
}
