// A container's /etc/hosts, laid out as Docker writes it: the loopback and IPv6 boilerplate, then
// --add-host entries, then the container's own addresses under its hostname.
import { invalid } from '../errors.js';
import { isIPv4 } from '../ipv4.js';

export interface HostEntry {
  ip: string;
  names: string[];
}

export interface HostsFileSpec {
  hostname: string;
  domainname?: string;
  /** The container's addresses, one per network endpoint. */
  addresses: readonly string[];
  extraHosts: readonly HostEntry[];
}

const BOILERPLATE: readonly HostEntry[] = [
  { ip: '127.0.0.1', names: ['localhost'] },
  { ip: '::1', names: ['localhost', 'ip6-localhost', 'ip6-loopback'] },
  { ip: 'fe00::0', names: ['ip6-localnet'] },
  { ip: 'ff00::0', names: ['ip6-mcastprefix'] },
  { ip: 'ff02::1', names: ['ip6-allnodes'] },
  { ip: 'ff02::2', names: ['ip6-allrouters'] },
];

export function renderHostsFile(spec: HostsFileSpec): string {
  const own = spec.domainname ? [`${spec.hostname}.${spec.domainname}`, spec.hostname] : [spec.hostname];
  const entries = [...BOILERPLATE, ...spec.extraHosts, ...spec.addresses.map((ip) => ({ ip, names: own }))];
  return entries.map((e) => `${e.ip}\t${e.names.join(' ')}\n`).join('');
}

/** The special --add-host value Docker replaces with the default bridge's gateway. */
export const HOST_GATEWAY = 'host-gateway';

/**
 * `--add-host name:ip` (also `name=ip`); the address may be IPv6 (`name:::1`, `name:[::1]`) or
 * `host-gateway`, which becomes `hostGateway`.
 */
export function parseExtraHost(raw: string, hostGateway: string | undefined): HostEntry {
  const sep = /[:=]/.exec(raw);
  const name = sep ? raw.slice(0, sep.index) : '';
  let ip = sep ? raw.slice(sep.index + 1) : '';
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (!name || !ip || /\s/.test(name)) throw invalid(`bad format for add-host: "${raw}"`);
  if (ip === HOST_GATEWAY) {
    if (!hostGateway) throw invalid(`unable to derive the IP value for host-gateway (no default bridge gateway): "${raw}"`);
    ip = hostGateway;
  }
  if (!isIPv4(ip) && !/^[0-9a-fA-F:.]+$/.test(ip)) throw invalid(`invalid IP address in add-host: "${ip}"`);
  return { ip, names: [name] };
}
