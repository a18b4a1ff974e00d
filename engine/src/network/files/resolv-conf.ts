// A container's /etc/resolv.conf, following Docker: on user-defined networks the embedded DNS at
// 127.0.0.11 answers (with the real upstreams kept for forwarding); elsewhere the host's file
// with loopback nameservers dropped (they mean nothing inside another network namespace), and
// Google's public resolvers when none is left. --dns, --dns-search and --dns-option override.

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

export const EMBEDDED_DNS_ADDRESS = '127.0.0.11';
const FALLBACK_NAMESERVERS = ['8.8.8.8', '8.8.4.4'];

export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...values] = line.split(/\s+/);
    if (key === 'nameserver' && values[0]) conf.nameservers.push(values[0]);
    else if (key === 'search' || key === 'domain') conf.search = values;
    else if (key === 'options') conf.options.push(...values);
  }
  return conf;
}

function isLoopback(ns: string): boolean {
  return ns.startsWith('127.') || ns === '::1' || ns === '0:0:0:0:0:0:0:1';
}

export interface ContainerDnsSpec {
  host: ResolvConf;
  dns: readonly string[];
  dnsSearch: readonly string[];
  dnsOptions: readonly string[];
  /** The container resolves through the embedded DNS (it is on a user-defined network). */
  embedded: boolean;
}

export interface ContainerDns {
  conf: ResolvConf;
  /** Where the embedded DNS forwards names it does not know. */
  upstreams: string[];
}

export function containerDns(spec: ContainerDnsSpec): ContainerDns {
  const upstreams = spec.dns.length > 0 ? [...spec.dns] : spec.host.nameservers.filter((ns) => !isLoopback(ns));
  // --dns-search . means "no search domains".
  const search = spec.dnsSearch.length > 0 ? spec.dnsSearch.filter((d) => d !== '.') : spec.host.search;
  const options = spec.dnsOptions.length > 0 ? [...spec.dnsOptions] : [...spec.host.options];
  if (spec.embedded) {
    if (!options.some((o) => o.startsWith('ndots:'))) options.push('ndots:0');
    return { conf: { nameservers: [EMBEDDED_DNS_ADDRESS], search, options }, upstreams };
  }
  const nameservers = upstreams.length > 0 ? upstreams : FALLBACK_NAMESERVERS;
  return { conf: { nameservers, search, options }, upstreams: nameservers };
}

export function renderResolvConf(conf: ResolvConf): string {
  const lines: string[] = [];
  if (conf.search.length > 0) lines.push(`search ${conf.search.join(' ')}`);
  for (const ns of conf.nameservers) lines.push(`nameserver ${ns}`);
  if (conf.options.length > 0) lines.push(`options ${conf.options.join(' ')}`);
  return `${lines.join('\n')}\n`;
}
