// daemon.json as dockerd reads it: every key checked for its type and value before anything starts,
// so a typo or a bad value stops start-up (or a reload) with a message naming the key.
import { isUlimitName } from '../oci/ulimits.js';
import { parseSubnet } from '../network/ipv4.js';
import { ipv4Subnet } from './networking/bip.js';
import type { Ulimit } from './state/container-record.js';

/** The keys engined takes, with the values they hold once checked. */
export interface DaemonJson {
  'data-root'?: string;
  'exec-root'?: string;
  hosts?: string[];
  containerd?: string;
  'containerd-namespace'?: string;
  'cgroup-parent'?: string;
  'registry-mirrors'?: string[];
  'insecure-registries'?: string[];
  'storage-driver'?: string;
  'log-driver'?: string;
  'log-opts'?: { 'max-size'?: string; 'max-file'?: string };
  'default-ulimits'?: Record<string, Ulimit>;
  'init-path'?: string;
  pidfile?: string;
  debug?: boolean;
  labels?: string[];
  'live-restore'?: boolean;
  'max-concurrent-downloads'?: number;
  'max-concurrent-uploads'?: number;
  bridge?: string;
  bip?: string;
  'default-address-pools'?: Array<{ base: string; size: number }>;
}

export type DaemonJsonKey = keyof DaemonJson;

/** What a SIGHUP applies (the subset of dockerd 20.10's reloadable keys that engined has). */
export const RELOADABLE_KEYS: readonly DaemonJsonKey[] = ['debug', 'labels', 'insecure-registries', 'registry-mirrors', 'live-restore', 'max-concurrent-downloads', 'max-concurrent-uploads'];

/** The file's keys the flags also set, by flag name (dockerd refuses a setting given both ways). */
export const FLAG_KEYS: Readonly<Record<string, DaemonJsonKey>> = {
  'data-root': 'data-root',
  'exec-root': 'exec-root',
  host: 'hosts',
  containerd: 'containerd',
  'containerd-namespace': 'containerd-namespace',
  'cgroup-parent': 'cgroup-parent',
  'registry-mirror': 'registry-mirrors',
  'insecure-registry': 'insecure-registries',
  'init-path': 'init-path',
  pidfile: 'pidfile',
  debug: 'debug',
  bridge: 'bridge',
  bip: 'bip',
};

/** dockerd keys engined knows of but does not implement: refused by name rather than as unknown. */
const DOCKERD_ONLY = new Set([
  'allow-nondistributable-artifacts', 'api-cors-header', 'authorization-plugins', 'cluster-advertise', 'cluster-store', 'cluster-store-opts',
  'cpu-rt-period', 'cpu-rt-runtime', 'cri-containerd', 'default-cgroupns-mode', 'default-gateway', 'default-gateway-v6', 'default-ipc-mode',
  'default-runtime', 'default-shm-size', 'dns', 'dns-opts', 'dns-search', 'exec-opts', 'exec-root-opts', 'experimental', 'features',
  'fixed-cidr', 'fixed-cidr-v6', 'group', 'icc', 'init', 'ip', 'ip-forward', 'ip-masq', 'ip6tables', 'iptables', 'ipv6', 'log-format',
  'log-level', 'max-download-attempts', 'metrics-addr', 'mtu', 'network-control-plane-mtu',
  'no-new-privileges', 'node-generic-resources', 'oom-score-adjust', 'raw-logs', 'runtimes', 'seccomp-profile', 'selinux-enabled',
  'shutdown-timeout', 'storage-opts', 'swarm-default-advertise-addr', 'tls', 'tlscacert', 'tlscert', 'tlskey', 'tlsverify', 'userland-proxy',
  'userland-proxy-path', 'userns-remap', 'containerd-plugins-namespace',
]);

/** A bad file: the message names the key and what is wrong with its value. */
export class DaemonJsonError extends Error {}

type Checker = (v: unknown, key: string) => unknown;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `the ${typeof v} ${JSON.stringify(v)}`;
}

function bad(key: string, msg: string): DaemonJsonError {
  return new DaemonJsonError(`invalid value for ${key}: ${msg}`);
}

function expect(key: string, what: string, v: unknown): DaemonJsonError {
  return bad(key, `expected ${what}, got ${describe(v)}`);
}

const str: Checker = (v, key) => {
  if (typeof v !== 'string') throw expect(key, 'a string', v);
  if (!v) throw bad(key, 'it must not be empty');
  return v;
};

const bool: Checker = (v, key) => {
  if (typeof v !== 'boolean') throw expect(key, 'a boolean (true or false)', v);
  return v;
};

function list(item: (s: string, key: string) => void): Checker {
  return (v, key) => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw expect(key, 'a list of strings', v);
    for (const s of v as string[]) item(s, key);
    return v;
  };
}

function object(v: unknown, key: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw expect(key, 'an object', v);
  return v as Record<string, unknown>;
}

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Checks a `-H`/`hosts` address; shared with the flag. */
export function checkHost(h: string, key = 'hosts'): void {
  if (h === 'fd://') return;
  if (h.startsWith('unix://')) {
    if (!h.slice('unix://'.length).startsWith('/')) throw bad(key, `${JSON.stringify(h)}: a unix socket needs an absolute path (unix:///run/engine/engine.sock)`);
    return;
  }
  if (h.startsWith('tcp://')) {
    let u: URL | undefined;
    try {
      u = new URL(h);
    } catch {
      u = undefined;
    }
    const port = u?.port ? Number(u.port) : 2375;
    if (!u || !u.hostname || (u.pathname !== '' && u.pathname !== '/') || port < 1 || port > 65535) throw bad(key, `${JSON.stringify(h)}: expected tcp://host:port`);
    return;
  }
  throw bad(key, `${JSON.stringify(h)}: use unix:///path, tcp://host:port or fd:// (systemd socket activation)`);
}

/** Checks a registry mirror URL as dockerd does (scheme http(s), nothing after the host). */
export function checkMirror(m: string, key = 'registry-mirrors'): void {
  let u: URL | undefined;
  try {
    u = new URL(m);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw bad(key, `invalid mirror: unsupported scheme in ${JSON.stringify(m)}: use http:// or https://`);
  if ((u.pathname !== '' && u.pathname !== '/') || u.search || u.hash || u.username) throw bad(key, `invalid mirror: path, query, or fragment at end of the URI ${JSON.stringify(m)}`);
}

/** Checks an insecure registry: host[:port], without a scheme (engined takes no CIDR ranges). */
export function checkInsecureRegistry(r: string, key = 'insecure-registries'): void {
  if (r.includes('://')) throw bad(key, `insecure registry ${r} should not contain '://'`);
  if (parseSubnet(r, false)) throw bad(key, `insecure registry ${r}: CIDR ranges are not supported, list each registry as host:port`);
  if (!HOST.test(r)) throw bad(key, `insecure registry ${r} is not valid: invalid host ${JSON.stringify(r)}`);
}

function checkLabels(v: unknown, key: string): string[] {
  const labels = list((l, k) => {
    if (!l.includes('=') || l.startsWith('=')) throw bad(k, `bad attribute format: ${l}`);
  })(v, key) as string[];
  const seen = new Map<string, string>();
  for (const l of labels) {
    const [name, value] = [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)];
    const before = seen.get(name);
    if (before !== undefined && before !== value) throw bad(key, `conflict labels for ${name}=${before} and ${name}=${value}`);
    seen.set(name, value);
  }
  return labels;
}

const SIZE = /^\d+[kmg]?$/i;

function checkLogOpts(v: unknown, key: string): DaemonJson['log-opts'] {
  const o = object(v, key);
  for (const [name, value] of Object.entries(o)) {
    if (typeof value !== 'string') throw expect(`${key}.${name}`, 'a string', value);
    if (name === 'max-size') {
      if (!SIZE.test(value)) throw bad(`${key}.max-size`, `${JSON.stringify(value)}: expected a size such as 10m (bytes, or k, m, g)`);
    } else if (name === 'max-file') {
      if (!/^\d+$/.test(value) || Number(value) < 1) throw bad(`${key}.max-file`, `max-file cannot be less than 1 (got ${JSON.stringify(value)})`);
    } else {
      throw bad(key, `unknown log opt '${name}' for json-file log driver`);
    }
  }
  return o as DaemonJson['log-opts'];
}

function checkUlimits(v: unknown, key: string): Record<string, Ulimit> {
  const out: Record<string, Ulimit> = {};
  for (const [name, u] of Object.entries(object(v, key))) {
    const where = `${key}.${name}`;
    const o = object(u, where);
    const extra = Object.keys(o).filter((k) => !['Name', 'Soft', 'Hard'].includes(k));
    if (extra.length) throw bad(where, `unknown field(s) ${extra.join(', ')} (a ulimit has Name, Soft and Hard)`);
    const ulimitName = o['Name'] ?? name;
    if (typeof ulimitName !== 'string' || ulimitName !== name) throw bad(where, `Name must be ${JSON.stringify(name)}, the key it is under`);
    if (!isUlimitName(name)) throw bad(key, `invalid ulimit type: ${name}`);
    for (const f of ['Soft', 'Hard'] as const) if (!Number.isSafeInteger(o[f])) throw expect(`${where}.${f}`, 'an integer', o[f]);
    const soft = o['Soft'] as number;
    const hard = o['Hard'] as number;
    if (soft > hard && hard !== -1) throw bad(where, `ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
    out[name] = { Name: name, Soft: soft, Hard: hard };
  }
  return out;
}

function checkPools(v: unknown, key: string): DaemonJson['default-address-pools'] {
  if (!Array.isArray(v)) throw expect(key, 'a list of {"base": "10.10.0.0/16", "size": 24}', v);
  return v.map((p, i) => {
    const where = `${key}[${i}]`;
    const o = object(p, where);
    const extra = Object.keys(o).filter((k) => k !== 'base' && k !== 'size');
    if (extra.length) throw bad(where, `unknown field(s) ${extra.join(', ')} (a pool has base and size)`);
    if (typeof o['base'] !== 'string') throw expect(`${where}.base`, 'a string such as "10.10.0.0/16"', o['base']);
    const base = parseSubnet(o['base']);
    if (!base) throw bad(`${where}.base`, `${JSON.stringify(o['base'])} is not an IPv4 subnet (network address and prefix, e.g. 10.10.0.0/16)`);
    const size = o['size'];
    if (!Number.isInteger(size)) throw expect(`${where}.size`, 'an integer prefix length', size);
    if ((size as number) < base.prefix || (size as number) > 30) throw bad(`${where}.size`, `${String(size)} must be between the base's prefix (${base.prefix}) and 30`);
    return { base: o['base'], size: size as number };
  });
}

/** dockerd's check: a count of at least 0 (0 is the default). */
function concurrency(what: string): Checker {
  return (v, key) => {
    if (!Number.isSafeInteger(v)) throw expect(key, 'an integer', v);
    if ((v as number) < 0) throw bad(key, `invalid max concurrent ${what}: ${String(v)}`);
    return v;
  };
}

const NAMESPACE = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

const CHECKS: Record<DaemonJsonKey, Checker> = {
  'data-root': str,
  'exec-root': str,
  hosts: list((h, key) => checkHost(h, key)),
  containerd: str,
  'containerd-namespace': (v, key) => {
    const s = str(v, key) as string;
    if (s.length > 76 || !NAMESPACE.test(s)) throw bad(key, `${JSON.stringify(s)} is not a valid containerd namespace (letters, digits, and . _ - between them)`);
    return s;
  },
  'cgroup-parent': str,
  'registry-mirrors': list((m, key) => checkMirror(m, key)),
  'insecure-registries': list((r, key) => checkInsecureRegistry(r, key)),
  'storage-driver': (v, key) => {
    const s = str(v, key);
    if (s !== 'overlay2' && s !== 'overlayfs') throw bad(key, `${JSON.stringify(s)}: engined stores images in containerd-ts's overlayfs snapshotter ("overlay2" or "overlayfs" name it)`);
    return s;
  },
  'log-driver': (v, key) => {
    const s = str(v, key);
    if (s !== 'json-file') throw bad(key, `${JSON.stringify(s)}: only the json-file log driver is supported`);
    return s;
  },
  'log-opts': checkLogOpts,
  'default-ulimits': checkUlimits,
  'init-path': str,
  pidfile: str,
  debug: bool,
  labels: checkLabels,
  'live-restore': (v, key) => {
    if (bool(v, key) === false) throw bad(key, 'engined always keeps containers running while it is stopped or restarted; live-restore cannot be turned off');
    return v;
  },
  'max-concurrent-downloads': concurrency('downloads'),
  'max-concurrent-uploads': concurrency('uploads'),
  bridge: (v, key) => {
    const s = str(v, key) as string;
    if (s !== 'none' && (s.length > 15 || !/^[A-Za-z0-9_.-]+$/.test(s))) throw bad(key, `${JSON.stringify(s)} is not a valid interface name (at most 15 letters, digits, . _ -) or "none"`);
    return s;
  },
  bip: (v, key) => {
    const s = str(v, key) as string;
    try {
      ipv4Subnet(s);
    } catch (err) {
      throw bad(key, (err as Error).message);
    }
    return s;
  },
  'default-address-pools': checkPools,
};

/** Every key engined takes, in the order the documentation lists them. */
export const DAEMON_JSON_KEYS = Object.keys(CHECKS) as DaemonJsonKey[];

/** Parses and checks a daemon.json's text; throws DaemonJsonError naming the first bad key. */
export function parseDaemonJson(text: string): DaemonJson {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new DaemonJsonError((err as Error).message);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new DaemonJsonError(`the file must hold a JSON object, not ${describe(doc)}`);
  const keys = Object.keys(doc);
  const unsupported = keys.filter((k) => DOCKERD_ONLY.has(k));
  const unknown = keys.filter((k) => !(k in CHECKS) && !DOCKERD_ONLY.has(k));
  if (unknown.length) throw new DaemonJsonError(`the following directives don't match any configuration option: ${unknown.join(', ')}`);
  if (unsupported.length) throw new DaemonJsonError(`the following dockerd directives are not supported by engined: ${unsupported.join(', ')}`);
  const out: Record<string, unknown> = {};
  for (const k of keys as DaemonJsonKey[]) out[k] = CHECKS[k]((doc as Record<string, unknown>)[k], k);
  return out as DaemonJson;
}
