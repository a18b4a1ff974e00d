// A create request's NetworkingConfig, checked and kept on the container: per network (by the name
// the client used), the --network-alias and --ip it asked for. Docker's CLI keys the default mode
// as `default`, which means the engine's default network.
import { badRequest } from '../http/api-error.js';
import type { ContainerRecord, EndpointConfig } from '../state/container-record.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One EndpointSettings of the API (only what the engine uses). */
export function endpointConfigOf(raw: unknown, network: string): EndpointConfig {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw badRequest(`invalid endpoint settings for network ${network}: expected an object`);
  const out: EndpointConfig = {};
  const aliases = raw.Aliases;
  if (aliases !== undefined && aliases !== null) {
    if (!Array.isArray(aliases) || aliases.some((a) => typeof a !== 'string')) throw badRequest(`invalid aliases for network ${network}: expected a list of strings`);
    if (aliases.length > 0) out.Aliases = aliases as string[];
  }
  const ipam = raw.IPAMConfig;
  if (ipam !== undefined && ipam !== null) {
    if (!isObject(ipam) || (ipam.IPv4Address !== undefined && typeof ipam.IPv4Address !== 'string')) throw badRequest(`invalid IPAMConfig for network ${network}`);
    if (typeof ipam.IPv4Address === 'string' && ipam.IPv4Address) out.IPAMConfig = { IPv4Address: ipam.IPv4Address };
    if (typeof ipam.IPv6Address === 'string' && ipam.IPv6Address) throw badRequest('IPv6 addresses are not supported');
  }
  return out;
}

export function networkingConfigOf(raw: unknown, mode: string): ContainerRecord['NetworkingConfig'] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw badRequest('invalid NetworkingConfig: expected an object');
  const endpoints = raw.EndpointsConfig;
  if (endpoints === undefined || endpoints === null) return undefined;
  if (!isObject(endpoints)) throw badRequest('invalid NetworkingConfig.EndpointsConfig: expected an object');
  const out: Record<string, EndpointConfig> = {};
  for (const [name, settings] of Object.entries(endpoints)) out[name === 'default' ? mode : name] = endpointConfigOf(settings, name);
  const names = Object.keys(out);
  // API 1.41: one network at create; more are joined with `network connect`.
  if (names.length > 1) throw badRequest(`Container cannot be connected to network endpoints: ${names.join(', ')}`);
  if (names.length === 1 && names[0] !== mode && !mode.startsWith('container:')) throw badRequest(`network ${names[0] ?? ''} is not the container's network mode ${mode}`);
  return names.length > 0 ? { EndpointsConfig: out } : undefined;
}
