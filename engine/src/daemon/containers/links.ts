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

/**
 * Checks every link of a create request (each must name an existing container) and gives them as
 * they are kept: `ID:ALIAS`, so that a rename of the linked container keeps the link, as in dockerd.
 */
export function checkLinks(specs: readonly string[], networkMode: string, find: (ref: string) => ContainerRecord | undefined): string[] {
  if (specs.length && networkMode === 'host') throw badRequest("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
  if (specs.length && networkMode.startsWith('container:')) throw badRequest("conflicting options: container type network can't be used with links. This would result in undefined behavior");
  return specs.map((s) => {
    const link = parseLink(s);
    const child = find(link.name);
    if (!child) throw badRequest(`could not get container for ${link.name}: No such container: ${link.name}`);
    return `${child.ID}:${link.alias}`;
  });
}

/** HostConfig.Links as dockerd's inspect shows them: `/CHILD:/PARENT/ALIAS` with today's names (gone ones left out). */
export function linksView(rec: ContainerRecord, nameOf: (ref: string) => string | undefined): string[] | null {
  const out: string[] = [];
  for (const spec of rec.HostConfig.Links ?? []) {
    const link = parseLink(spec);
    const child = nameOf(link.name);
    if (child) out.push(`${child}:${rec.Name}/${link.alias}`);
  }
  return out.length ? out : null;
}

/** The index of the last port of the run of consecutive numbers starting at `index`. */
function lastContiguous(ports: ReadonlyArray<{ port: number }>, index: number): number {
  let value = ports[index]!.port;
  for (let i = index + 1; i < ports.length; i++) {
    if (ports[i]!.port > value + 1) return i - 1;
    value++;
  }
  return ports.length - 1;
}

/**
 * The variables a link gives, as dockerd 20.10's links package writes them: the lowest port (tcp
 * first on a tie), a run of three or more consecutive ports also as _START/_END, each port, the
 * link's name, the linked container's variables (but HOME and PATH).
 */
export function linkEnv(link: { alias: string; parentName: string; ip: string; exposed: readonly string[]; env: readonly string[] }): string[] {
  const prefix = link.alias.toUpperCase().replace(/-/g, '_');
  const ip = link.ip;
  const ports = link.exposed
    .map((k) => {
      const [port = '', proto = 'tcp'] = k.split('/');
      return { port: Number(port), proto: proto.toLowerCase() };
    })
    .filter((p) => Number.isInteger(p.port) && p.port > 0)
    .sort((a, b) => a.port - b.port || (a.proto === 'tcp' ? -1 : b.proto === 'tcp' ? 1 : 0));
  const out: string[] = [];
  const key = (p: { port: number; proto: string }) => `${prefix}_PORT_${p.port}_${p.proto.toUpperCase()}`;
  if (ports.length) out.push(`${prefix}_PORT=${ports[0]!.proto}://${ip}:${ports[0]!.port}`);
  for (let i = 0; i < ports.length; ) {
    const j = lastContiguous(ports, i);
    if (j <= i + 1) {
      i++;
      continue;
    }
    const p = ports[i]!;
    const q = ports[j]!;
    out.push(`${key(p)}_START=${p.proto}://${ip}:${p.port}`, `${key(p)}_ADDR=${ip}`, `${key(p)}_PORT_START=${p.port}`, `${key(p)}_PROTO=${p.proto}`);
    out.push(`${prefix}_PORT_${p.port}_${q.proto.toUpperCase()}_END=${q.proto}://${ip}:${q.port}`, `${prefix}_PORT_${p.port}_${q.proto.toUpperCase()}_PORT_END=${q.port}`);
    i = j + 1;
  }
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

export interface ResolvedLinks {
  hosts: Array<{ ip: string; names: string[] }>;
  env: string[];
}

/**
 * A container's links as they are now (at its start on the default bridge): each linked container
 * must run there. `addressOf` gives a running container's address on the default bridge.
 */
export function resolveLinks(rec: ContainerRecord, find: (ref: string) => ContainerRecord | undefined, addressOf: (id: string) => string | undefined): ResolvedLinks {
  const out: ResolvedLinks = { hosts: [], env: [] };
  const parent = rec.Name.replace(/^\//, '');
  for (const spec of rec.HostConfig.Links ?? []) {
    const link = parseLink(spec);
    const child = find(link.name);
    if (!child) throw badRequest(`could not get container for ${link.name}: No such container: ${link.name}`);
    const running = child.State.Status === 'running' || child.State.Status === 'paused';
    if (!running) throw new ApiError(500, `Cannot link to a non running container: ${child.Name} AS /${parent}/${link.alias}`);
    const ip = addressOf(child.ID);
    if (!ip) throw new ApiError(500, `Cannot link to ${child.Name}, as it does not belong to the default network`);
    const childName = child.Name.replace(/^\//, '');
    out.hosts.push({ ip, names: [link.alias, child.Config.Hostname, ...(link.alias !== childName ? [childName] : [])] });
    out.env.push(...linkEnv({ alias: link.alias, parentName: parent, ip, exposed: Object.keys(child.Config.ExposedPorts ?? {}), env: child.Config.Env }));
  }
  return out;
}
