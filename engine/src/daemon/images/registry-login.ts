// Checks credentials against a registry the way `docker login` does: GET /v2/, and for a Bearer
// challenge a token request with the credentials (Basic auth).
import { STATUS_CODES } from 'node:http';
import { DEFAULT_DOMAIN } from '../../common/reference.js';
import { ApiError } from '../http/api-error.js';

function isPlainHttp(host: string, insecure: readonly string[]): boolean {
  const name = host.replace(/:\d+$/, '');
  return name === 'localhost' || name.startsWith('127.') || name === '[::1]' || insecure.includes(host);
}

/** `https://index.docker.io/v1/` and friends → the registry host. */
export function registryHost(serverAddress: string): string {
  const s = serverAddress.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (!s || s === 'index.docker.io' || s === DEFAULT_DOMAIN) return 'registry-1.docker.io';
  return s;
}

export async function login(serverAddress: string, username: string, password: string, insecure: readonly string[]): Promise<void> {
  const host = registryHost(serverAddress);
  const base = `${isPlainHttp(host, insecure) ? 'http' : 'https'}://${host}`;
  const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  // dockerd's words: the status code and its text (`401 Unauthorized`).
  const fail = (status: number) => new ApiError(401, `login attempt to ${base}/v2/ failed with status: ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd());
  let res: Response;
  try {
    res = await fetch(`${base}/v2/`, { headers: { Authorization: basic } });
  } catch (err) {
    throw new ApiError(500, `Get "${base}/v2/": ${(err as Error).message}`);
  }
  if (res.ok) return;
  if (res.status !== 401) throw fail(res.status);
  const challenge = res.headers.get('www-authenticate') ?? '';
  if (!/^bearer /i.test(challenge)) throw fail(res.status);
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]));
  if (!params.realm) throw fail(res.status);
  const url = new URL(params.realm);
  if (params.service) url.searchParams.set('service', params.service);
  url.searchParams.set('account', username);
  const token = await fetch(url, { headers: { Authorization: basic } });
  if (!token.ok) throw fail(token.status);
}


