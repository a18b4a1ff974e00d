// Plain registry requests for endpoints that read from a registry without pulling (search,
// distribution): loopback and --insecure-registry hosts over HTTP, and the Bearer token dance
// (anonymous, or Basic credentials from X-Registry-Auth) when a registry answers 401.
import { ApiError } from '../../daemon/http/api-error.js';
import type { RegistryAuth } from '../../daemon/images/registry-auth.js';

export function plainHttp(host: string, insecure: readonly string[]): boolean {
  const name = host.replace(/:\d+$/, '');
  return name === 'localhost' || name.startsWith('127.') || name === '[::1]' || insecure.includes(host);
}

export async function get(url: string, headers: Record<string, string>): Promise<Response> {
  try {
    return await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new ApiError(500, `Get ${JSON.stringify(url)}: ${cause}`);
  }
}

/** GET with the registry's token dance when it answers 401 with a Bearer challenge. */
export async function registryGet(url: string, auth: RegistryAuth | undefined, scope: string, headers: Record<string, string> = {}): Promise<Response> {
  const basic = auth ? { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` } : {};
  const first = await get(url, { ...headers, ...basic });
  if (first.status !== 401) return first;
  const challenge = first.headers.get('www-authenticate') ?? '';
  if (!/^bearer /i.test(challenge)) return first;
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]));
  if (!params.realm) return first;
  const tokenUrl = new URL(params.realm);
  if (params.service) tokenUrl.searchParams.set('service', params.service);
  tokenUrl.searchParams.set('scope', params.scope ?? scope);
  const tokenRes = await get(tokenUrl.toString(), basic);
  if (!tokenRes.ok) throw new ApiError(401, `unauthorized: token request to ${tokenUrl.origin} failed with status ${tokenRes.status}`);
  const body = (await tokenRes.json()) as { token?: string; access_token?: string };
  return get(url, { ...headers, Authorization: `Bearer ${body.token ?? body.access_token ?? ''}` });
}
