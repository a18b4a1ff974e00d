// Legacy links (--link NAME[:ALIAS]) as dockerd 20.10 makes them on the default bridge: checked at
// create, and at each start the linked container's address under its alias (and name) in /etc/hosts
// plus the ALIAS_PORT_…, ALIAS_NAME and ALIAS_ENV_… variables.
import { ApiError, badRequest } from '../http/api-error.js';
import type { ContainerRecord } from '../state/container-record.js';

export interface Link {
  /** The linked container as given (name or ID). */
  name: string;
  alias: string;
}

/** dockerd's ParseLink, with its messages (a 500, as dockerd answers these). */
export function parseLink(spec: string): Link {
  if (spec === '') throw new ApiError(500, 'empty string specified for links');
  const parts = spec.split(':');
  if (parts.length > 2) throw new ApiError(500, `bad format for links: ${spec}`);
  const name = parts[0]!.replace(/^\//, '');
  const alias = (parts[1] ?? name).replace(/^\//, '');
  return { name, alias };
}

/** Checks every link of a create request; each must name an existing container. */
export function checkLinks(specs: readonly string[], networkMode: string, find: (ref: string) => ContainerRecord | undefined): Link[] {
  if (specs.length && networkMode === 'host') throw badRequest("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
  return specs.map((s) => {
    const link = parseLink(s);
    if (!find(link.name)) throw badRequest(`could not get container for ${link.name}: No such container: ${link.name}`);
    return link;
  });
}

/**
 * The variables a link gives, as dockerd's links package writes them: the lowest port (tcp first),
 * each port, a run of consecutive ports also as _START/_END, the link's name, the linked env.
 */
export function linkEnv(link: { alias: string; parentName: string; ip: string; exposed: readonly string[]; env: readonly string[] }): string[] {
  const prefix = link.alias.toUpperCase().replace(/-/g, '_');
  const ip = link.ip;
  const ports = link.exposed
    .map((k) => {
      const [port = '', proto = 'tcp'] = k.split('/');
      return { port: Number(port), proto };
    })
    .filter((p) => Number.isInteger(p.port) && p.port > 0)
    .sort((a, b) => a.port - b.port || (a.proto === 'tcp' ? -1 : b.proto === 'tcp' ? 1 : 0));
  const out: string[] = [];
  const key = (p: { port: number; proto: string }) => `${prefix}_PORT_${p.port}_${p.proto.toUpperCase()}`;
  if (ports.length) out.push(`${prefix}_PORT=${ports[0]!.proto}://${ip}:${ports[0]!.port}`);
  const range = (start: { port: number; proto: string }, end: { port: number; proto: string }) => {
    if (start === end) return;
    out.push(`${key(start)}_START=${start.proto}://${ip}:${start.port}`, `${key(start)}_ADDR=${ip}`, `${key(start)}_PORT_START=${start.port}`, `${key(start)}_PORT_END=${end.port}`);
    out.push(`${prefix}_PORT_${start.port}_${end.proto.toUpperCase()}_END=${end.proto}://${ip}:${end.port}`);
  };
  let start = ports[0];
  let end = ports[0];
  for (const p of ports.slice(1)) {
    if (end && p.proto === end.proto && p.port === end.port + 1) {
      end = p;
      continue;
    }
    if (start && end) range(start, end);
    start = p;
    end = p;
  }
  if (start && end) range(start, end);
  for (const p of ports) out.push(`${key(p)}=${p.proto}://${ip}:${p.port}`, `${key(p)}_ADDR=${ip}`, `${key(p)}_PORT=${p.port}`, `${key(p)}_PROTO=${p.proto}`);
  out.push(`${prefix}_NAME=/${link.parentName}/${link.alias}`);
  for (const e of link.env) {
    const eq = e.indexOf('=');
    if (eq <= 0) continue;
    const name = e.slice(0, eq);
    if (name === 'HOME' || name === 'PATH') continue;
    out.push(`${prefix}_ENV_${name}=${e.slice(eq + 1)}`);
  }
  return out;
}
