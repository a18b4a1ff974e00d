// Registry authentication: parse the WWW-Authenticate challenge of a 401, then answer with Basic
// credentials or fetch a Bearer token from the realm (anonymously or with credentials), caching
// tokens per host and scope until they expire.
import { StackError } from '../errdefs.js';
import type { Credentials } from './hosts.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (several challenges may be comma-joined). */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let current: Challenge | undefined;
  let i = 0;
  const skip = (chars: RegExp) => {
    while (i < header.length && chars.test(header[i] as string)) i++;
  };
  while (i < header.length) {
    skip(/[\s,]/);
    const m = /^[A-Za-z0-9_.!#$%&'*+^`|~-]+/.exec(header.slice(i));
    if (!m) break;
    const word = m[0];
    i += word.length;
    skip(/\s/);
    if (header[i] !== '=') {
      current = { scheme: word.toLowerCase(), params: {} };
      out.push(current);
      continue;
    }
    i++;
    skip(/\s/);
    let value = '';
    if (header[i] === '"') {
      i++;
      while (i < header.length && header[i] !== '"') {
        if (header[i] === '\\' && i + 1 < header.length) i++;
        value += header[i];
        i++;
      }
      i++;
    } else {
      const v = /^[^,\s]*/.exec(header.slice(i))?.[0] ?? '';
      value = v;
      i += v.length;
    }
    if (current) current.params[word.toLowerCase()] = value;
  }
  return out;
}

interface CachedToken {
  token: string;
  expires: number;
}

export type Fetch = typeof fetch;

export class TokenAuth {
  private readonly tokens = new Map<string, CachedToken>();
  /** host → the scheme and params its last challenge asked for. */
  private readonly challenges = new Map<string, Challenge>();

  constructor(
    private readonly credentials: (host: string) => Credentials | undefined,
    private readonly doFetch: Fetch = fetch,
  ) {}

  /** The Authorization header for a request to host with the given scope, if one is known. */
  async header(host: string, scope: string): Promise<string | undefined> {
    const ch = this.challenges.get(host);
    if (!ch) return undefined;
    if (ch.scheme === 'basic') {
      const c = this.credentials(host);
      return c ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` : undefined;
    }
    const cached = this.tokens.get(`${host} ${scope}`);
    if (cached && cached.expires > Date.now()) return `Bearer ${cached.token}`;
    const token = await this.fetchToken(host, ch, scope);
    return `Bearer ${token}`;
  }

  /**
   * Records a 401's challenge for a request that carried `sent` as its Authorization (or none).
   * Returns whether retrying can help: a request sent without credentials always retries with what
   * is known now — also when concurrent requests met the same challenge first (every upload of a
   * push does) —, a refused Bearer token is dropped and fetched anew, refused Basic credentials are
   * final. Only the refused token is dropped, not ones that other requests just fetched.
   */
  handleChallenge(host: string, wwwAuthenticate: string | null, sent?: string): boolean {
    if (!wwwAuthenticate) return false;
    const chs = parseChallenges(wwwAuthenticate);
    const ch = chs.find((c) => c.scheme === 'bearer') ?? chs.find((c) => c.scheme === 'basic');
    if (!ch) return false;
    if (ch.scheme === 'basic' && !this.credentials(host)) return false;
    this.challenges.set(host, ch);
    if (sent === undefined) return true;
    if (sent.startsWith('Bearer ')) {
      const refused = sent.slice('Bearer '.length);
      for (const [k, t] of [...this.tokens]) if (k.startsWith(`${host} `) && t.token === refused) this.tokens.delete(k);
      return true;
    }
    return ch.scheme !== 'basic';
  }

  private async fetchToken(host: string, ch: Challenge, scope: string): Promise<string> {
    const realm = ch.params['realm'];
    if (!realm) throw new StackError('unauthenticated', `${host}: bearer challenge without a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new StackError('unauthenticated', `${host}: invalid token realm ${JSON.stringify(realm)}`);
    }
    if (ch.params['service']) url.searchParams.set('service', ch.params['service']);
    const scopes = new Set([scope, ...(ch.params['scope'] ? [ch.params['scope']] : [])]);
    for (const s of scopes) if (s) url.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    const c = this.credentials(host);
    if (c) headers['authorization'] = `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
    const res = await this.doFetch(url, { headers });
    if (!res.ok) {
      await res.body?.cancel();
      throw new StackError('unauthenticated', `${host}: token server ${url.origin} answered ${res.status} ${res.statusText}`);
    }
    const body = (await res.json()) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) throw new StackError('unauthenticated', `${host}: token server returned no token`);
    const ttl = Math.max(60, body.expires_in ?? 60) * 1000;
    this.tokens.set(`${host} ${scope}`, { token, expires: Date.now() + ttl - 10_000 });
    return token;
  }
}
