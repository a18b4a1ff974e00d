// Engine API version negotiation: paths may carry /v1.xx/; the client's version decides some formats.
import { badRequest } from './api-error.js';

export const API_VERSION = '1.41';
export const MIN_API_VERSION = '1.12';

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Splits `/v1.41/containers/json` into the version and the path the router matches. */
export function splitVersion(pathname: string): { version: string; path: string } {
  const m = /^\/v([0-9]+\.[0-9]+)(\/.*)$/.exec(pathname);
  if (!m) return { version: API_VERSION, path: pathname };
  const version = m[1]!;
  if (compareVersions(version, API_VERSION) > 0) throw badRequest(`client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  if (compareVersions(version, MIN_API_VERSION) < 0) throw badRequest(`client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  return { version, path: m[2]! };
}
