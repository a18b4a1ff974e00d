// `-p [ip:][hostPort[-end]:]containerPort[-end][/proto]`, `-P` and `EXPOSE` keys ("80/tcp"), as
// Docker's CLI reads them. Pure: the manager binds and reports what was actually published.
import { invalid } from './errors.js';
import { isIPv4 } from './ipv4.js';

export type PortProto = 'tcp' | 'udp';

/** One container port to publish. hostPort 0 means "any free port"; a range means "any in it". */
export interface PortRequest {
  containerPort: number;
  proto: PortProto;
  /** '' for every address (Docker's 0.0.0.0). */
  hostIp: string;
  hostPort: number;
  hostPortEnd: number;
}

/** A published port as it is. */
export interface PortBinding {
  containerPort: number;
  proto: PortProto;
  hostIp: string;
  hostPort: number;
}

/** Parses one `-p` value into the container ports it publishes. */
export function parsePortSpec(raw: string): PortRequest[] {
  const slash = raw.lastIndexOf('/');
  const protoText = slash >= 0 ? raw.slice(slash + 1).toLowerCase() : 'tcp';
  const spec = slash >= 0 ? raw.slice(0, slash) : raw;
  const parts = spec.split(':');
  const containerText = parts[parts.length - 1] ?? '';
  const hostText = parts.length >= 2 ? (parts[parts.length - 2] ?? '') : '';
  let hostIp = parts.length >= 3 ? parts.slice(0, parts.length - 2).join(':') : '';
  if (hostIp.startsWith('[') && hostIp.endsWith(']')) hostIp = hostIp.slice(1, -1);

  if (protoText !== 'tcp' && protoText !== 'udp') {
    throw invalid(protoText === 'sctp' ? `sctp ports are not supported: ${raw}` : `Invalid proto: ${protoText}`);
  }
  if (hostIp !== '' && !isIPv4(hostIp)) {
    throw invalid(hostIp.includes(':') ? `IPv6 host addresses are not supported: ${raw}` : `Invalid ip address: ${hostIp}`);
  }
  if (hostIp === '0.0.0.0') hostIp = '';
  if (containerText === '') throw invalid(`No port specified: ${raw}<empty>`);
  const container = parseRange(containerText, false);
  if (!container) throw invalid(`Invalid containerPort: ${containerText}`);
  const host = hostText === '' ? { start: 0, end: 0 } : parseRange(hostText, true);
  if (!host) throw invalid(`Invalid hostPort: ${hostText}`);

  const containerCount = container.end - container.start;
  const hostCount = host.end - host.start;
  // A host range with one container port means "pick one of these"; otherwise the sizes must match.
  const pickFromRange = hostText !== '' && containerCount === 0 && hostCount > 0;
  if (hostText !== '' && !pickFromRange && containerCount !== hostCount) {
    throw invalid(`Invalid ranges specified for container and host Ports: ${containerText} and ${hostText}`);
  }
  const out: PortRequest[] = [];
  for (let i = 0; i <= containerCount; i++) {
    const hostPort = hostText === '' ? 0 : host.start + (pickFromRange ? 0 : i);
    out.push({
      containerPort: container.start + i,
      proto: protoText,
      hostIp,
      hostPort,
      hostPortEnd: pickFromRange ? host.end : hostPort,
    });
  }
  return out;
}

function parseRange(text: string, allowZero: boolean): { start: number; end: number } | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  const min = allowZero ? 0 : 1;
  if (start < min || end < start || end > 65535) return undefined;
  if (allowZero && start === 0 && end !== 0) return undefined;
  return { start, end };
}

/** An `EXPOSE`/`ExposedPorts` key: `80`, `80/tcp`, `53/udp`, `8000-8002/tcp`. */
export function parseExposedPort(key: string): { port: number; proto: PortProto }[] {
  const [portText = '', protoText = 'tcp', ...rest] = key.split('/');
  const proto = protoText.toLowerCase();
  if (rest.length > 0 || (proto !== 'tcp' && proto !== 'udp')) throw invalid(`Invalid exposed port: ${key}`);
  const range = parseRange(portText, false);
  if (!range) throw invalid(`Invalid exposed port: ${key}`);
  const out: { port: number; proto: PortProto }[] = [];
  for (let p = range.start; p <= range.end; p++) out.push({ port: p, proto });
  return out;
}

/**
 * What a container publishes: every `-p`, plus with `-P` each exposed port not already published
 * gets an ephemeral host port (Docker publishes `-P` ports on all addresses).
 */
export function portRequests(specs: readonly string[], publishAll: boolean, exposed: readonly string[]): PortRequest[] {
  const requests = specs.flatMap(parsePortSpec);
  if (publishAll) {
    const published = new Set(requests.map((r) => `${r.containerPort}/${r.proto}`));
    for (const e of exposed.flatMap(parseExposedPort)) {
      const key = `${e.port}/${e.proto}`;
      if (published.has(key)) continue;
      published.add(key);
      requests.push({ containerPort: e.port, proto: e.proto, hostIp: '', hostPort: 0, hostPortEnd: 0 });
    }
  }
  return requests;
}

/** `engine port` lines: `80/tcp -> 0.0.0.0:8080`, optionally for one `PORT[/PROTO]`. */
export function formatPortLines(bindings: readonly PortBinding[], filter?: string): string[] {
  let wanted: { port: number; proto: string } | undefined;
  if (filter !== undefined) {
    const [p = '', proto = 'tcp'] = filter.split('/');
    wanted = { port: Number(p), proto };
  }
  return bindings
    .filter((b) => !wanted || (b.containerPort === wanted.port && b.proto === wanted.proto))
    .map((b) => `${wanted ? '' : `${b.containerPort}/${b.proto} -> `}${b.hostIp || '0.0.0.0'}:${b.hostPort}`);
}

/** Docker's `NetworkSettings.Ports` shape: `{"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}`. */
export function dockerPortMap(bindings: readonly PortBinding[], exposed: readonly string[] = []): Record<string, { HostIp: string; HostPort: string }[] | null> {
  const map: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const e of exposed.flatMap(parseExposedPort)) map[`${e.port}/${e.proto}`] = null;
  for (const b of bindings) {
    const key = `${b.containerPort}/${b.proto}`;
    const list = map[key] ?? [];
    list.push({ HostIp: b.hostIp || '0.0.0.0', HostPort: String(b.hostPort) });
    map[key] = list;
  }
  return map;
}
